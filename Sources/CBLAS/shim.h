// CBLAS from Debian's libopenblas-dev (the pthread build); openblas_set_num_threads and
// openblas_get_corename come from the same header.
#include <cblas.h>
