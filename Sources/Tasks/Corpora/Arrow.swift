// A small Arrow IPC *stream* reader, written from the Arrow columnar format spec: messages are
// 0xFFFFFFFF, int32 metadata length, a flatbuffer Message (Schema or RecordBatch), then the
// body. Only what the Hugging Face dataset files need: Utf8/LargeUtf8 and signed/unsigned
// integer columns (booleans read as 0/1 integers), no compression, no dictionaries; anything else is a clear error.
// Why hand-written: Debian 12 ships no Apache Arrow library (no libarrow-dev; checked 2026-12-08), the
// project takes native libraries from Debian only, and the two files it reads need only this subset.
// The reader is bounds- and overflow-checked against the file and fuzzed (ArrowFuzzTests).

public enum ArrowColumn: Sendable, Equatable {
    case strings([String])
    case integers([Int64])
}

public struct ArrowTable: Sendable {
    public var names: [String]
    public var columns: [ArrowColumn]
    public var rows: Int

    public func strings(_ name: String, file: String) throws -> [String] {
        guard let i = names.firstIndex(of: name), case .strings(let s) = columns[i] else {
            throw ArrowError(description: "\(file): no string column '\(name)' (columns: \(names.joined(separator: ", ")))")
        }
        return s
    }
    public func integers(_ name: String, file: String) throws -> [Int64] {
        guard let i = names.firstIndex(of: name), case .integers(let s) = columns[i] else {
            throw ArrowError(description: "\(file): no integer column '\(name)' (columns: \(names.joined(separator: ", ")))")
        }
        return s
    }
}

public struct ArrowError: Error, CustomStringConvertible {
    public let description: String
}

enum ArrowType { case utf8, largeUtf8, int(bits: Int, signed: Bool), bool }

/// Bytes of a bitmap of `n` bits (no overflow for any n ≥ 0).
func bitmapBytes(_ n: Int) -> Int { n / 8 + (n % 8 == 0 ? 0 : 1) }

/// Reads every record batch of an Arrow IPC stream and concatenates the columns.
public func readArrowStream(_ bytes: [UInt8], file: String) throws -> ArrowTable {
    var p = 0
    var names: [String] = []
    var types: [ArrowType] = []
    var columns: [ArrowColumn] = []
    var rows = 0
    var sawSchema = false
    func fail(_ m: String) -> ArrowError { ArrowError(description: "\(file): \(m) (byte \(p)); the file is truncated or not an Arrow IPC stream — re-download the package") }
    while true {
        guard p + 8 <= bytes.count else {
            throw fail("stream ends without the end-of-stream marker")
        }
        var len = Int(Int32(bitPattern: try readU32(bytes, p, file)))
        if UInt32(bitPattern: Int32(len)) == 0xFFFF_FFFF {
            len = Int(Int32(bitPattern: try readU32(bytes, p + 4, file)))
            p += 8
        } else {
            p += 4   // legacy format without continuation marker
        }
        if len == 0 { break }
        guard len > 0, p + len <= bytes.count else { throw fail("message of \(len) bytes runs past the end") }
        let meta = Array(bytes[p..<(p + len)])
        p += len
        let msg = try FlatTable.root(meta, what: file)
        let headerType = try msg.u8(1)
        let bodyLength = Int(try msg.i64(3))
        guard bodyLength >= 0, bodyLength <= bytes.count - p else { throw fail("message body of \(bodyLength) bytes runs past the end") }
        let body = p
        p += bodyLength
        guard let header = try msg.table(2) else { throw fail("message without header") }
        switch headerType {
        case 1:   // Schema
            for f in try header.tables(1) {
                names.append(try f.string(0) ?? "")
                let tt = try f.u8(2)
                switch tt {
                case 5: types.append(.utf8)
                case 20: types.append(.largeUtf8)
                case 6: types.append(.bool)
                case 2:
                    guard let it = try f.table(3) else { throw fail("Int type without parameters") }
                    types.append(.int(bits: Int(try it.i32(0)), signed: try it.u8(1) != 0))
                default:
                    throw ArrowError(description: "\(file): column '\(names.last!)' has Arrow type id \(tt); this reader supports only strings and integers")
                }
                if !(try f.tables(5)).isEmpty { throw ArrowError(description: "\(file): nested column '\(names.last!)' not supported") }
            }
            columns = types.map { t in
                switch t { case .int, .bool: .integers([]); case .utf8, .largeUtf8: .strings([]) }
            }
            sawSchema = true
        case 3:   // RecordBatch
            guard sawSchema else { throw fail("record batch before schema") }
            if try header.table(3) != nil { throw ArrowError(description: "\(file): compressed record batches are not supported") }
            // Counts, offsets and lengths come from the file: each is checked against the buffers it
            // must fit (without overflow) before it sizes a loop or an allocation.
            let n = Int(try header.i64(0))
            guard n >= 0 else { throw fail("record batch of \(n) rows") }
            let (bufStart, bufCount) = try header.structs(2, stride: 16)
            guard bufCount >= types.count * 2 else { throw fail("record batch has \(bufCount) buffers for \(types.count) columns") }
            var b = 0
            func buffer() throws -> Range<Int> {
                guard b < bufCount else { throw fail("record batch has \(bufCount) buffers, too few for its \(types.count) columns") }
                let off = try readU64(meta, bufStart + 16 * b, file), length = try readU64(meta, bufStart + 16 * b + 8, file)
                b += 1
                guard off <= UInt64(bodyLength), length <= UInt64(bodyLength) - off else { throw fail("buffer \(b - 1) outside the message body") }
                let (o, l) = (Int(off), Int(length))
                return (body + o)..<(body + o + l)
            }
            for (c, t) in types.enumerated() {
                let validity = try buffer()
                func isNull(_ i: Int) -> Bool {
                    validity.isEmpty ? false : bytes[validity.lowerBound + i / 8] & (1 << UInt8(i % 8)) == 0
                }
                if !validity.isEmpty && validity.count < bitmapBytes(n) { throw fail("validity bitmap too short in column '\(names[c])'") }
                switch t {
                case .utf8, .largeUtf8:
                    let w = { if case .largeUtf8 = t { 8 } else { 4 } }()
                    let offs = try buffer(), data = try buffer()
                    guard offs.count / w > n else { throw fail("offsets buffer too short in column '\(names[c])'") }
                    var out: [String] = []
                    out.reserveCapacity(n)
                    for i in 0..<n {
                        let a = w == 4 ? UInt64(try readU32(bytes, offs.lowerBound + 4 * i, file)) : try readU64(bytes, offs.lowerBound + 8 * i, file)
                        let e = w == 4 ? UInt64(try readU32(bytes, offs.lowerBound + 4 * i + 4, file)) : try readU64(bytes, offs.lowerBound + 8 * i + 8, file)
                        guard a <= e, e <= UInt64(data.count) else { throw fail("string offsets out of range in column '\(names[c])' row \(i)") }
                        out.append(isNull(i) ? "" : String(decoding: bytes[(data.lowerBound + Int(a))..<(data.lowerBound + Int(e))], as: UTF8.self))
                    }
                    if case .strings(let prev) = columns[c] { columns[c] = .strings(prev + out) }
                case .bool:
                    let data = try buffer()
                    guard data.count >= bitmapBytes(n) else { throw fail("boolean buffer too short in column '\(names[c])'") }
                    let out = (0..<n).map { i in Int64(bytes[data.lowerBound + i / 8] >> UInt8(i % 8) & 1) }
                    if case .integers(let prev) = columns[c] { columns[c] = .integers(prev + out) }
                case .int(let bits, let signed):
                    let data = try buffer()
                    let w = bits / 8
                    guard [1, 2, 4, 8].contains(w), data.count / w >= n else { throw fail("integer buffer too short in column '\(names[c])'") }
                    var out: [Int64] = []
                    out.reserveCapacity(n)
                    for i in 0..<n {
                        var u: UInt64 = 0
                        for k in 0..<w { u |= UInt64(bytes[data.lowerBound + i * w + k]) << (8 * UInt64(k)) }
                        if signed && w < 8 && u >> (UInt64(bits) - 1) & 1 == 1 { u |= ~UInt64(0) << UInt64(bits) }
                        out.append(Int64(bitPattern: u))
                    }
                    if case .integers(let prev) = columns[c] { columns[c] = .integers(prev + out) }
                }
            }
            rows += n
        default:
            throw ArrowError(description: "\(file): Arrow message type \(headerType) not supported (only Schema and RecordBatch)")
        }
    }
    guard sawSchema else { throw fail("no schema message") }
    return ArrowTable(names: names, columns: columns, rows: rows)
}
