// The name of every object: the SHA-256 of its uncompressed payload, written as 64 lowercase
// hex digits. Also the streaming hasher and a helper to hash files in chunks.
import Crypto
import Foundation
import JSONText

public struct Digest: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let hex: String

    /// Accepts exactly 64 lowercase hex digits.
    public init?(hex: String) {
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        self.hex = hex
    }

    init(_ d: SHA256.Digest) {
        self.hex = d.map { String(format: "%02x", $0) }.joined()
    }

    public var description: String { hex }
    /// The first 12 hex digits, for messages.
    public var short: String { String(hex.prefix(12)) }
    public static func < (a: Digest, b: Digest) -> Bool { a.hex < b.hex }

    public static func of(_ bytes: some Sequence<UInt8>) -> Digest {
        var h = Hasher256()
        if let contiguous = bytes as? [UInt8] { h.update(contiguous) } else { h.update(Array(bytes)) }
        return h.finalize()
    }

    public static func of(_ text: String) -> Digest { of(Array(text.utf8)) }

    /// The digest of the canonical encoding of `value`.
    public static func of(canonical value: JSONValue) throws(CanonicalJSONError) -> Digest {
        of(try CanonicalJSON.encode(value))
    }
}

/// Incremental SHA-256.
public struct Hasher256 {
    var inner = SHA256()
    public init() {}
    public mutating func update(_ bytes: UnsafeRawBufferPointer) { inner.update(bufferPointer: bytes) }
    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { inner.update(bufferPointer: $0) } }
    public func finalize() -> Digest { Digest(inner.finalize()) }
}

/// The SHA-256 of a file's bytes, read in 1 MiB chunks.
public func hashFile(_ path: String) throws(StoreError) -> Digest {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw StoreError.io("cannot open \(path): \(errnoText())") }
    defer { close(fd) }
    var h = Hasher256()
    let size = 1 << 20
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
    defer { buffer.deallocate() }
    while true {
        let n = read(fd, buffer.baseAddress, size)
        if n < 0 { if errno == EINTR { continue }; throw StoreError.io("cannot read \(path): \(errnoText())") }
        if n == 0 { break }
        h.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
    }
    return h.finalize()
}

func errnoText(_ e: Int32 = errno) -> String { String(cString: strerror(e)) }
