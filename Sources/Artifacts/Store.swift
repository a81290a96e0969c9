// The content-addressed store (DESIGN.md §2): `objects/ab/abcdef….zst` holds one zstd frame of
// a payload whose SHA-256 is `abcdef…`. Writes go to a temporary file inside the store, are
// fsynced and renamed into place; every read rehashes while it decompresses and fails, naming
// the object, the stage that made it and how to rebuild it, when the bytes do not match.
import Foundation
import JSONText
import Support

public enum StoreError: Error, CustomStringConvertible, Equatable {
    case io(String)
    case damaged(String)
    case missing(String)
    case corrupt(String)
    case format(String)

    public var description: String {
        switch self {
        case .io(let m), .damaged(let m), .missing(let m), .corrupt(let m), .format(let m): m
        }
    }
}

public struct Store: Sendable {
    /// The store directory (e.g. `<repo>/artifacts`).
    public let root: String
    public var compression = CompressionSettings()

    public var objectsDir: String { root + "/objects" }
    public var tmpDir: String { root + "/tmp" }
    public var runsDir: String { root + "/runs" }

    /// Opens (creating if needed) the store at `root`.
    public init(root: String) throws(StoreError) {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
        for dir in [self.root, objectsDir, tmpDir, runsDir] {
            if mkdir(dir, 0o755) != 0 && errno != EEXIST { throw StoreError.io("cannot create \(dir): \(errnoText())") }
        }
    }

    public func objectPath(_ d: Digest) -> String { root + "/" + Store.objectRelativePath(d) }

    public func contains(_ d: Digest) -> Bool {
        var st = stat()
        return stat(objectPath(d), &st) == 0
    }

    // MARK: - Writing

    /// Streams a payload into the store: `body` calls `write` any number of times. Nothing is
    /// visible in `objects/` unless the whole payload was written and synced.
    public func put(_ body: (_ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws -> Digest {
        let tmp = "\(tmpDir)/object-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).zst"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        guard fd >= 0 else { throw StoreError.io("cannot create \(tmp): \(errnoText())") }
        var fdOpen = true
        var keepTemp = false
        defer {
            if fdOpen { close(fd) }
            if !keepTemp { unlink(tmp) }
        }
        let writer = try CompressingHasher(fd: fd, path: tmp, settings: compression)
        try body { (chunk: UnsafeRawBufferPointer) throws in try writer.write(chunk) }
        let digest = try writer.finish()
        if fsync(fd) != 0 { throw StoreError.io("cannot fsync \(tmp): \(errnoText())") }
        fdOpen = false
        if close(fd) != 0 { throw StoreError.io("cannot close \(tmp): \(errnoText())") }
        let final = objectPath(digest)
        // An object already there is replaced too: the new file is correct by construction (it was
        // just hashed), the old one may be truncated or corrupt (`verify` sends users to rerun the
        // stage, and this is how the rerun repairs it). rename(2) replaces atomically; readers keep
        // the file they opened.
        let dir = (final as NSString).deletingLastPathComponent
        if mkdir(dir, 0o755) != 0 && errno != EEXIST { throw StoreError.io("cannot create \(dir): \(errnoText())") }
        guard rename(tmp, final) == 0 else { throw StoreError.io("cannot rename \(tmp) to \(final): \(errnoText())") }
        keepTemp = true
        syncDirectory(dir)
        return digest
    }

    /// Stores `bytes` and returns their digest.
    @discardableResult
    public func put(_ bytes: [UInt8]) throws -> Digest {
        try put { write in try bytes.withUnsafeBytes { try write($0) } }
    }

    /// Stores the content of the file at `path`, read in 4 MiB chunks.
    @discardableResult
    public func put(file path: String) throws -> Digest {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.io("cannot open \(path): \(errnoText())") }
        defer { close(fd) }
        let size = 4 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        return try put { write in
            while true {
                let n = Glibc.read(fd, buffer.baseAddress, size)
                if n < 0 { if errno == EINTR { continue }; throw StoreError.io("cannot read \(path): \(errnoText())") }
                if n == 0 { break }
                try write(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            }
        }
    }

    /// Stores the canonical encoding of a JSON value.
    @discardableResult
    public func put(json value: JSONValue) throws -> Digest {
        try put(CanonicalJSON.encode(value))
    }

    // MARK: - Reading

    /// Streams the payload of `d` to `sink`, verifying its hash. On a mismatch the error names
    /// the object, the stage that made it (when the run cache knows) and how to rebuild it;
    /// the sink has then seen unverified bytes and must discard them.
    public func read(_ d: Digest, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let path = objectPath(d)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw StoreError.missing("object \(d.hex) is not in the store (\(path))\(originHint(d))") }
            throw StoreError.io("cannot open \(path): \(errnoText())")
        }
        defer { close(fd) }
        let actual: Digest
        do {
            (actual, _) = try decompressAndHash(fd: fd, path: path, sink: sink)
        } catch let e as StoreError {
            if case .damaged(let m) = e { throw StoreError.corrupt("object \(d.hex) is corrupt: \(m)\(originHint(d))") }
            throw e
        }
        if actual != d {
            throw StoreError.corrupt("object \(d.hex) is corrupt: its payload hashes to \(actual.hex) (\(path))\(originHint(d))")
        }
    }

    /// The whole payload of `d`, verified.
    public func get(_ d: Digest) throws -> [UInt8] {
        var out: [UInt8] = []
        try read(d) { out.append(contentsOf: $0) }
        return out
    }

    /// The payload of `d` parsed as JSON.
    public func getJSON(_ d: Digest) throws -> JSONValue {
        let bytes = try get(d)
        do { return try parseJSON(bytes: bytes) } catch {
            throw StoreError.format("object \(d.hex) is not JSON: \(error)")
        }
    }

    /// Writes the verified payload of `d` to a new file at `path`; on any failure the file is removed.
    public func extract(_ d: Digest, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.io("cannot create \(path): \(errnoText())") }
        var ok = false
        defer { close(fd); if !ok { unlink(path) } }
        try read(d) { chunk in
            var done = 0
            while done < chunk.count {
                let n = Glibc.write(fd, chunk.baseAddress! + done, chunk.count - done)
                if n < 0 { if errno == EINTR { continue }; throw StoreError.io("cannot write \(path): \(errnoText())") }
                done += n
            }
        }
        ok = true
    }

    /// Rehashes one object; throws the same errors as `read`.
    public func verify(_ d: Digest) throws { try read(d) { _ in } }

    // MARK: - Listing and removal

    /// An object's path inside a store or an archive (DESIGN.md §2): `objects/ab/abcdef….zst`.
    public static func objectRelativePath(_ d: Digest) -> String { "objects/\(d.hex.prefix(2))/\(d.hex).zst" }

    /// The object a file name inside `objects/<prefix>/` stands for, if it is named like one.
    public static func objectDigest(prefix: some StringProtocol, fileName: some StringProtocol) -> Digest? {
        guard fileName.hasSuffix(".zst"), fileName.hasPrefix(prefix), prefix.count == 2 else { return nil }
        return Digest(hex: String(fileName.dropLast(4)))
    }

    /// Every object in the store, sorted. Files that are not named like objects are skipped.
    public func allObjects() -> [Digest] {
        var result: [Digest] = []
        let fm = FileManager.default
        for prefix in (try? fm.contentsOfDirectory(atPath: objectsDir)) ?? [] where prefix.count == 2 {
            for name in (try? fm.contentsOfDirectory(atPath: "\(objectsDir)/\(prefix)")) ?? [] where name.hasSuffix(".zst") {
                if let d = Store.objectDigest(prefix: prefix, fileName: name) { result.append(d) }
            }
        }
        return result.sorted()
    }

    public func remove(_ d: Digest) throws(StoreError) {
        if unlink(objectPath(d)) != 0 && errno != ENOENT { throw StoreError.io("cannot remove \(objectPath(d)): \(errnoText())") }
    }

    /// Moves a corrupt object aside to `corrupt/`, so the stage that made it can store it again.
    public func quarantine(_ d: Digest) throws(StoreError) {
        let dir = root + "/corrupt"
        if mkdir(dir, 0o755) != 0 && errno != EEXIST { throw StoreError.io("cannot create \(dir): \(errnoText())") }
        if rename(objectPath(d), "\(dir)/\(d.hex).zst") != 0 && errno != ENOENT {
            throw StoreError.io("cannot move \(objectPath(d)) aside: \(errnoText())")
        }
    }

    /// A new private directory under `tmp/`.
    public func makeTempDirectory(_ label: String) throws(StoreError) -> String {
        let safe = String(label.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        let path = "\(tmpDir)/\(safe)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        if mkdir(path, 0o700) != 0 { throw StoreError.io("cannot create \(path): \(errnoText())") }
        return path
    }

    /// Removes everything under `tmp/` (called by the runner, gc and verify while they hold the
    /// store lock, so whatever is there was left by a process that died). Returns how many entries
    /// and bytes it removed, for the caller to say.
    @discardableResult
    public func clearTemporaries() -> (entries: Int, bytes: Int) {
        let fm = FileManager.default
        var entries = 0, bytes = 0
        for name in (try? fm.contentsOfDirectory(atPath: tmpDir)) ?? [] {
            bytes += treeBytes(tmpDir + "/" + name)
            removeTree(tmpDir + "/" + name)
            entries += 1
        }
        return (entries, bytes)
    }

    // MARK: - Provenance for error messages

    /// " — made by stage S (key K); rebuild: …" when the run cache knows a stage that produced `d`.
    func originHint(_ d: Digest) -> String {
        let origins = RunIndex(store: self).stagesProducing(d)
        let fix = "run `pipeline verify` (it moves corrupt objects aside), then"
        guard let first = origins.first else {
            return "\n  no recorded stage made it; \(fix) rerun the stage that declares it, or restore it from an archive"
        }
        let names = origins.map { "\($0.stage) (output \($0.output), key \($0.key.short))" }.joined(separator: ", ")
        return "\n  made by stage \(names)\n  to rebuild: \(fix) `pipeline run \(first.stage)`"
    }
}

func syncDirectory(_ dir: String) {
    let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if dfd >= 0 { fsync(dfd); close(dfd) }
}

/// Removes a file or a directory tree; missing paths are fine. Read-only files are removed too.
public func removeTree(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

/// Bytes of the regular files at or under `path` (symbolic links are not followed).
public func treeBytes(_ path: String) -> Int {
    var st = stat()
    guard lstat(path, &st) == 0 else { return 0 }
    if (st.st_mode & S_IFMT) == S_IFREG { return Int(st.st_size) }
    guard (st.st_mode & S_IFMT) == S_IFDIR else { return 0 }
    return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).reduce(0) { $0 + treeBytes(path + "/" + $1) }
}

/// "3 entries, 542.1 MB": what a cleanup freed, for logs.
public func describeFreed(entries: Int, bytes: Int) -> String {
    "\(entries) temporar\(entries == 1 ? "y entry" : "y entries") (\(String(format: "%.1f", Double(bytes) / 1e6)) MB)"
}
