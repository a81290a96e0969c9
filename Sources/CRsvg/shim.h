// librsvg from Debian's librsvg2-dev: SVG → cairo. Its header brings cairo (image surfaces, PNG
// read and write) and GLib (GError, g_object_unref), the only parts graft calls.
#include <librsvg/rsvg.h>
