// A software rasteriser just good enough for PNG versions of the figures: heat maps with an
// exact block of pixels per cell, line charts (grid, axes, series drawn with Xiaolin Wu's
// anti-aliased lines), bar charts and decoded grids (cell shading and rules). There is no font:
// PNGs carry no text; the SVG versions carry the labels.

extension HeatMap {
    /// The matrix as an image: `pixelWidth` × `pixelHeight` pixels per cell, colours as in the SVG.
    public func rasterise(pixelWidth: Int = 1, pixelHeight: Int = 4) throws -> Image {
        guard pixelWidth > 0, pixelHeight > 0 else {
            throw ChartError(message: "heat map \"\(title)\": cell size \(pixelWidth)×\(pixelHeight) pixels must be positive")
        }
        var image = Image(width: matrix.columns * pixelWidth, height: matrix.rows * pixelHeight)
        for r in 0..<matrix.rows {
            for run in runs(row: r) {
                image.fillRect(x: run.start * pixelWidth, y: r * pixelHeight,
                               width: run.length * pixelWidth, height: pixelHeight, run.colour)
            }
        }
        return image
    }
}

extension LineChart {
    /// The chart without text: white background, grey grid at the y ticks, black axes, series lines.
    public func rasterise() throws -> Image {
        let L = try LineChartLayout(self)
        var image = Image(width: Int(width.rounded()), height: Int(height.rounded()))
        for t in L.yTicks { drawLine(&image, L.left, L.py(t), L.right, L.py(t), RGB(221, 221, 221)) }
        drawLine(&image, L.left, L.bottom, L.right, L.bottom, RGB(0, 0, 0))
        drawLine(&image, L.left, L.top, L.left, L.bottom, RGB(0, 0, 0))
        for t in L.xTicks { drawLine(&image, L.px(t), L.bottom, L.px(t), L.bottom + 5, RGB(0, 0, 0)) }
        for (i, s) in series.enumerated() {
            let colour = seriesPalette[i % seriesPalette.count]
            for (a, b) in zip(s.points, s.points.dropFirst()) {
                drawLine(&image, L.px(a.x), L.py(a.y), L.px(b.x), L.py(b.y), colour)
            }
            if s.points.count == 1, let p = s.points.first {
                image.fillRect(x: Int(L.px(p.x)) - 1, y: Int(L.py(p.y)) - 1, width: 3, height: 3, colour)
            }
            let ly = L.top + 8 + Double(i) * 18           // legend swatch, as in the SVG
            image.fillRect(x: Int(L.right + 14), y: Int(ly) - 1, width: 20, height: 3, colour)
        }
        return image
    }
}

/// Draws an anti-aliased line from (x0, y0) to (x1, y1) in pixel-centre coordinates (Wu's algorithm:
/// step along the major axis, split each sample's coverage between the two nearest pixels).
public func drawLine(_ image: inout Image, _ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ c: RGB) {
    let steep = abs(y1 - y0) > abs(x1 - x0)
    var (ax, ay, bx, by) = steep ? (y0, x0, y1, x1) : (x0, y0, x1, y1)
    if ax > bx { swap(&ax, &bx); swap(&ay, &by) }
    func plot(_ u: Int, _ v: Int, _ alpha: Double) {
        if steep { image.blend(v, u, c, alpha: alpha) } else { image.blend(u, v, c, alpha: alpha) }
    }
    let dx = bx - ax
    let gradient = dx == 0 ? 0 : (by - ay) / dx
    let start = Int(ax.rounded()), end = Int(bx.rounded())
    for u in start...max(start, end) {
        let v = ay + gradient * (Double(u) - ax)
        let base = v.rounded(.down)
        let frac = v - base
        plot(u, Int(base), 1 - frac)
        plot(u, Int(base) + 1, frac)
    }
}

extension BarChart {
    /// The chart without text: grid at the y ticks, axes, bars, legend swatches.
    public func rasterise() throws -> Image {
        _ = try svg()                                      // the same validation as the SVG
        let L = BarChartLayout(self)
        var image = Image(width: Int(width.rounded()), height: Int(height.rounded()))
        for t in L.ticks { drawLine(&image, L.left, L.py(t), L.right, L.py(t), RGB(221, 221, 221)) }
        for (g, row) in values.enumerated() {
            for (m, value) in row.enumerated() {
                guard let v = value else { continue }
                let y = L.py(max(L.lo, min(L.hi, v))), base = L.py(max(L.lo, min(L.hi, 0)))
                let x = L.barX(group: g, method: m)
                image.fillRect(x: Int(x.rounded()), y: Int(min(y, base).rounded()), width: Int(L.barWidth.rounded()),
                               height: Int(abs(base - y).rounded()), seriesPalette[m % seriesPalette.count])
            }
        }
        drawLine(&image, L.left, L.bottom, L.right, L.bottom, RGB(0, 0, 0))
        drawLine(&image, L.left, L.top, L.left, L.bottom, RGB(0, 0, 0))
        for m in methods.indices {
            image.fillRect(x: Int(L.right + 14), y: Int(L.top) + m * 18, width: 14, height: 12, seriesPalette[m % seriesPalette.count])
        }
        return image
    }
}

extension DecodedGrid {
    /// The grid without text: each cell's shading inside grey rules, at the SVG's geometry.
    public func rasterise() throws -> Image {
        try validate()
        let f = frame
        var image = Image(width: Int(f.width.rounded()), height: Int(f.height.rounded()))
        let w = Int(cellWidth.rounded()), h = Int(cellHeight.rounded())
        let x0 = Int(f.left.rounded()), y0 = Int(f.top.rounded())
        for (r, row) in cells.enumerated() {
            for (c, entry) in row.enumerated() {
                let x = x0 + c * w, y = y0 + r * h
                image.fillRect(x: x, y: y, width: w + 1, height: h + 1, RGB(170, 170, 170))
                image.fillRect(x: x + 1, y: y + 1, width: w - 1, height: h - 1, entry.fill ?? RGB(255, 255, 255))
            }
        }
        return image
    }
}
