// A minimal, bounds-checked FlatBuffers reader: tables through their vtables, scalars,
// strings, vectors of tables or structs. Enough for Arrow's Schema and RecordBatch messages.

struct FlatBufferError: Error, CustomStringConvertible {
    let description: String
}

struct FlatTable {
    let buf: [UInt8]
    let pos: Int          // absolute position of the table
    let vtable: Int       // absolute position of its vtable
    let what: String      // for error messages

    static func root(_ buf: [UInt8], what: String) throws -> FlatTable {
        try FlatTable(buf, at: Int(try readU32(buf, 0, what)), what: what)
    }

    init(_ buf: [UInt8], at pos: Int, what: String) throws {
        self.buf = buf
        self.pos = pos
        self.what = what
        let soff = Int(Int32(bitPattern: try readU32(buf, pos, what)))
        vtable = pos - soff
        guard vtable >= 0, vtable + 4 <= buf.count else { throw FlatBufferError(description: "\(what): vtable out of range") }
    }

    /// Absolute position of field `i`, or nil when absent.
    func field(_ i: Int) throws -> Int? {
        let vsize = Int(try readU16(buf, vtable, what))
        let entry = 4 + 2 * i
        guard entry + 2 <= vsize else { return nil }
        let off = Int(try readU16(buf, vtable + entry, what))
        return off == 0 ? nil : pos + off
    }

    func u8(_ i: Int, default d: UInt8 = 0) throws -> UInt8 {
        guard let p = try field(i) else { return d }
        guard p < buf.count else { throw FlatBufferError(description: "\(what): field \(i) out of range") }
        return buf[p]
    }
    func i16(_ i: Int, default d: Int16 = 0) throws -> Int16 {
        guard let p = try field(i) else { return d }
        return Int16(bitPattern: try readU16(buf, p, what))
    }
    func i32(_ i: Int, default d: Int32 = 0) throws -> Int32 {
        guard let p = try field(i) else { return d }
        return Int32(bitPattern: try readU32(buf, p, what))
    }
    func i64(_ i: Int, default d: Int64 = 0) throws -> Int64 {
        guard let p = try field(i) else { return d }
        return Int64(bitPattern: try readU64(buf, p, what))
    }
    /// The object an offset field points to (absolute position).
    func target(_ i: Int) throws -> Int? {
        guard let p = try field(i) else { return nil }
        return p + Int(try readU32(buf, p, what))
    }
    func table(_ i: Int) throws -> FlatTable? {
        guard let t = try target(i) else { return nil }
        return try FlatTable(buf, at: t, what: what)
    }
    func string(_ i: Int) throws -> String? {
        guard let t = try target(i) else { return nil }
        let n = Int(try readU32(buf, t, what))
        guard t + 4 + n <= buf.count else { throw FlatBufferError(description: "\(what): string out of range") }
        return String(decoding: buf[(t + 4)..<(t + 4 + n)], as: UTF8.self)
    }
    /// Elements of a vector of tables.
    func tables(_ i: Int) throws -> [FlatTable] {
        guard let t = try target(i) else { return [] }
        let n = Int(try readU32(buf, t, what))
        // The count comes from the file: check that the vector fits before making n elements.
        guard n <= (buf.count - t - 4) / 4 else { throw FlatBufferError(description: "\(what): vector of \(n) tables out of range") }
        return try (0..<n).map { k in
            let p = t + 4 + 4 * k
            return try FlatTable(buf, at: p + Int(try readU32(buf, p, what)), what: what)
        }
    }
    /// Start and count of a vector of structs of `stride` bytes.
    func structs(_ i: Int, stride: Int) throws -> (start: Int, count: Int) {
        guard let t = try target(i) else { return (0, 0) }
        let n = Int(try readU32(buf, t, what))
        guard t + 4 + n * stride <= buf.count else { throw FlatBufferError(description: "\(what): vector out of range") }
        return (t + 4, n)
    }
}

func readU16(_ b: [UInt8], _ p: Int, _ what: String) throws -> UInt16 {
    guard p >= 0, p + 2 <= b.count else { throw FlatBufferError(description: "\(what): read past end at byte \(p)") }
    return UInt16(b[p]) | UInt16(b[p + 1]) << 8
}
func readU32(_ b: [UInt8], _ p: Int, _ what: String) throws -> UInt32 {
    guard p >= 0, p + 4 <= b.count else { throw FlatBufferError(description: "\(what): read past end at byte \(p)") }
    return (0..<4).reduce(UInt32(0)) { $0 | UInt32(b[p + $1]) << (8 * UInt32($1)) }
}
func readU64(_ b: [UInt8], _ p: Int, _ what: String) throws -> UInt64 {
    guard p >= 0, p + 8 <= b.count else { throw FlatBufferError(description: "\(what): read past end at byte \(p)") }
    return (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[p + $1]) << (8 * UInt64($1)) }
}
