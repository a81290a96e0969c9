// A software rasteriser just good enough for PNG versions of the figures: heat maps with an
// exact block of pixels per cell, line charts (grid, axes, series drawn with Xiaolin Wu's
// anti-aliased lines), bar charts and decoded grids (cell shading and rules). Each figure's
// labels come from the layout its SVG uses and are drawn in the built-in `BitmapFont`.

extension HeatMap {
    /// The layout of the raster: `pixelWidth` × `pixelHeight` pixels per cell, row labels
    /// centred on their rows and, when rows are shorter than a glyph, on every n-th row only.
    public func rasterLayout(pixelWidth: Int, pixelHeight: Int) -> HeatMapLayout {
        HeatMapLayout(self, cellWidth: Double(pixelWidth), cellHeight: Double(pixelHeight),
                      rowBaseline: Double((pixelHeight + BitmapFont.ascent) / 2),
                      rowLabelStep: (BitmapFont.glyphHeight + pixelHeight - 1) / pixelHeight)
    }

    /// The figure as an image: `pixelWidth` × `pixelHeight` pixels per cell, colours, colour bar
    /// and labels as in the SVG.
    public func rasterise(pixelWidth: Int = 1, pixelHeight: Int = 4) throws -> Image {
        guard pixelWidth > 0, pixelHeight > 0 else {
            throw ChartError(message: "heat map \"\(title)\": cell size \(pixelWidth)×\(pixelHeight) pixels must be positive")
        }
        try validate()
        let L = rasterLayout(pixelWidth: pixelWidth, pixelHeight: pixelHeight)
        var image = Image(width: Int(L.width.rounded()), height: Int(L.height.rounded()))
        let left = Int(L.left.rounded()), top = Int(L.top.rounded()), gridBottom = top + matrix.rows * pixelHeight
        for r in 0..<matrix.rows {
            for run in runs(row: r) {
                image.fillRect(x: left + run.start * pixelWidth, y: top + r * pixelHeight,
                               width: run.length * pixelWidth, height: pixelHeight, run.colour)
            }
        }
        for x in L.columnTicks(self) { image.fillRect(x: Int(x.rounded(.down)), y: gridBottom, width: 1, height: 4, RGB(0, 0, 0)) }
        let barX = Int(L.barX.rounded())
        for i in 0..<L.levels {
            let y0 = top + Int((Double(i) * L.levelHeight).rounded()), y1 = top + Int((Double(i + 1) * L.levelHeight).rounded())
            image.fillRect(x: barX, y: y0, width: 12, height: y1 - y0, scale.colour(atFraction: L.barFraction(i)))
        }
        for t in L.texts(self) { image.draw(t) }
        return image
    }
}

extension LineChart {
    /// The chart as an image: grid at the y ticks, axes, series lines, legend, and every label.
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
            image.fillRect(x: Int(L.right + 14), y: Int(L.legendY(i)) - 1, width: 20, height: 3, colour)
        }
        for t in L.texts(self) { image.draw(t) }
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
    /// The chart as an image: grid at the y ticks, bars, axes, legend swatches, and every label.
    public func rasterise() throws -> Image {
        try validate()
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
            image.fillRect(x: Int(L.right + 14), y: Int(L.legendY(m)), width: 14, height: 12, seriesPalette[m % seriesPalette.count])
        }
        for t in L.texts(self) { image.draw(t) }
        return image
    }
}

extension DecodedGrid {
    /// The grid as an image: each cell's shading inside grey rules at the SVG's geometry, and every label.
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
        for t in texts() { image.draw(t) }
        return image
    }
}
