// PNG figures: the SVG each figure already writes, rendered by librsvg (GNOME's maintained SVG
// renderer, Debian's librsvg2-dev) onto a cairo surface and written by cairo's PNG writer. Text
// goes through Pango with real fonts (DejaVu Sans via fontconfig), so a PNG is its SVG's drawing,
// labels and all. Same SVG → same bytes on one installation; another librsvg, cairo or font
// version may anti-alias differently. `readPNG` reads a PNG back through cairo, for tests.
import CRsvg

public struct RenderError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { message }
}

/// The 8 bytes every PNG file starts with.
public let pngSignature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]

/// Limits on a rendered PNG: cairo's largest image side, and 2^26 pixels (a 256 MiB surface).
public let maxPNGSide = 32_767, maxPNGPixels = 1 << 26

/// `svg` rendered at `scale` device pixels per SVG unit on white, as PNG bytes (8-bit RGB: cairo
/// leaves out the alpha channel of a surface that is opaque, as this one is).
/// The SVG needs an absolute `width` and `height` on its root (every graft figure has them); the
/// PNG is ⌈scale·width⌉ × ⌈scale·height⌉ pixels.
public func renderPNG(svg: String, scale: Double = 2) throws -> [UInt8] {
    guard scale.isFinite, scale > 0, scale <= 16 else {
        throw RenderError(message: "render PNG: scale \(scale) must be in (0, 16]; 2 gives crisp text on most screens")
    }
    let data = Array(svg.utf8)
    guard !data.isEmpty else { throw RenderError(message: "render PNG: the SVG is empty; pass a figure's svg() output") }
    var error: UnsafeMutablePointer<GError>?
    guard let handle = data.withUnsafeBufferPointer({ rsvg_handle_new_from_data($0.baseAddress, gsize($0.count), &error) }) else {
        throw RenderError(message: "render PNG: librsvg could not read the SVG: \(takeMessage(&error)) (SVG starts \(svgStart(svg)))")
    }
    defer { g_object_unref(handle) }
    rsvg_handle_set_dpi(handle, 96)              // only physical units (in, mm, pt) depend on it; graft's are px

    var width = 0.0, height = 0.0
    guard rsvg_handle_get_intrinsic_size_in_pixels(handle, &width, &height) != 0 else {
        throw RenderError(message: "render PNG: the SVG has no absolute width and height (missing, or in %); give its <svg> element width=\"…\" height=\"…\" in px (SVG starts \(svgStart(svg)))")
    }
    let (pw, ph) = ((width * scale).rounded(.up), (height * scale).rounded(.up))
    guard width > 0, height > 0, pw.isFinite, ph.isFinite, pw <= Double(maxPNGSide), ph <= Double(maxPNGSide),
          pw * ph <= Double(maxPNGPixels) else {
        throw RenderError(message: "render PNG: \(svgNumber(width))×\(svgNumber(height)) SVG at scale \(svgNumber(scale)) would be \(svgNumber(pw))×\(svgNumber(ph)) pixels; each side must be 1…\(maxPNGSide) and the area ≤ \(maxPNGPixels) pixels (render at a smaller scale or draw a smaller figure)")
    }

    let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(pw), Int32(ph))
    defer { cairo_surface_destroy(surface) }
    try check(cairo_surface_status(surface), "creating a \(Int(pw))×\(Int(ph)) image surface")
    let cr = cairo_create(surface)
    defer { cairo_destroy(cr) }
    cairo_set_source_rgb(cr, 1, 1, 1)
    cairo_paint(cr)
    var viewport = RsvgRectangle(x: 0, y: 0, width: width * scale, height: height * scale)
    guard rsvg_handle_render_document(handle, cr, &viewport, &error) != 0 else {
        throw RenderError(message: "render PNG: librsvg could not draw the SVG: \(takeMessage(&error))")
    }
    try check(cairo_status(cr), "drawing")
    cairo_surface_flush(surface)

    var png: [UInt8] = []
    let status = withUnsafeMutablePointer(to: &png) { out in
        cairo_surface_write_to_png_stream(surface, { closure, bytes, length in
            guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
            closure.assumingMemoryBound(to: [UInt8].self).pointee.append(contentsOf: UnsafeBufferPointer(start: bytes, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }, out)
    }
    try check(status, "writing the PNG")
    return png
}

/// A PNG's pixels, read back by cairo: 8-bit RGBA (not premultiplied), row-major.
public struct PNGPixels: Sendable, Equatable {
    public let width: Int, height: Int
    public let rgba: [UInt8]                 // [height * width * 4]
    public func pixel(_ x: Int, _ y: Int) -> RGB {
        let i = (y * width + x) * 4
        return RGB(rgba[i], rgba[i + 1], rgba[i + 2])
    }
    public func alpha(_ x: Int, _ y: Int) -> UInt8 { rgba[(y * width + x) * 4 + 3] }
}

/// Reads PNG bytes back through cairo (colour PNGs with or without alpha).
public func readPNG(_ bytes: [UInt8]) throws -> PNGPixels {
    struct Cursor { let bytes: [UInt8]; var offset = 0 }
    var cursor = Cursor(bytes: bytes)
    let surface = withUnsafeMutablePointer(to: &cursor) { c in
        cairo_image_surface_create_from_png_stream({ closure, out, length in
            guard let closure, let out else { return CAIRO_STATUS_READ_ERROR }
            let c = closure.assumingMemoryBound(to: Cursor.self), n = Int(length)
            guard c.pointee.offset + n <= c.pointee.bytes.count else { return CAIRO_STATUS_READ_ERROR }
            c.pointee.bytes.withUnsafeBufferPointer { out.update(from: $0.baseAddress! + c.pointee.offset, count: n) }
            c.pointee.offset += n
            return CAIRO_STATUS_SUCCESS
        }, c)
    }
    defer { cairo_surface_destroy(surface) }
    try check(cairo_surface_status(surface), "reading a PNG of \(bytes.count) bytes")
    let format = cairo_image_surface_get_format(surface)
    guard format == CAIRO_FORMAT_ARGB32 || format == CAIRO_FORMAT_RGB24 else {
        throw RenderError(message: "read PNG: cairo gave pixel format \(format.rawValue), not ARGB32 or RGB24; only colour PNGs are read")
    }
    let w = Int(cairo_image_surface_get_width(surface)), h = Int(cairo_image_surface_get_height(surface))
    let stride = Int(cairo_image_surface_get_stride(surface))
    guard let data = cairo_image_surface_get_data(surface) else { throw RenderError(message: "read PNG: cairo returned no pixel data") }
    var rgba = [UInt8](repeating: 0, count: w * h * 4)
    for y in 0..<h {
        let row = UnsafeRawPointer(data + y * stride)
        for x in 0..<w {
            // One native-endian word per pixel: A R G B from the high byte, colours premultiplied by A.
            let v = row.loadUnaligned(fromByteOffset: 4 * x, as: UInt32.self)
            let a = format == CAIRO_FORMAT_RGB24 ? 255 : (v >> 24) & 0xFF
            func unpremultiply(_ c: UInt32) -> UInt8 { a == 0 ? 0 : UInt8(min(255, (c * 255 + a / 2) / a)) }
            let i = (y * w + x) * 4
            rgba[i] = unpremultiply((v >> 16) & 0xFF); rgba[i + 1] = unpremultiply((v >> 8) & 0xFF)
            rgba[i + 2] = unpremultiply(v & 0xFF); rgba[i + 3] = UInt8(a)
        }
    }
    return PNGPixels(width: w, height: h, rgba: rgba)
}

/// Throws cairo's own message for a failed status.
private func check(_ status: cairo_status_t, _ doing: String) throws {
    guard status != CAIRO_STATUS_SUCCESS else { return }
    throw RenderError(message: "render PNG: cairo failed \(doing): \(String(cString: cairo_status_to_string(status)))")
}

/// The GError's message, freeing it.
private func takeMessage(_ error: inout UnsafeMutablePointer<GError>?) -> String {
    guard let e = error else { return "no error message from librsvg" }
    defer { g_error_free(e); error = nil }
    guard let m = e.pointee.message else { return "no error message from librsvg" }
    var text = Substring(String(cString: m))
    while text.last?.isWhitespace == true { text.removeLast() }    // libxml2's messages end in a newline
    return String(text)
}

/// The SVG's first characters, to say which document failed.
private func svgStart(_ svg: String) -> String {
    "\"" + String(svg.prefix(60).map { $0.isNewline ? " " : $0 }) + (svg.count > 60 ? "…" : "") + "\""
}
