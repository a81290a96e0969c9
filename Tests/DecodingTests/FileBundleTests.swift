// Figure bundles: a tar written with libarchive reads back with the same names and bytes, the
// same files give the same bytes, and unsafe or repeated names are refused.
import Foundation
import Testing
import Decoding

@Suite struct FileBundleTests {
    @Test func roundTripAndDeterminism() throws {
        let files = [BundleFile("a.svg", Array("<svg/>".utf8)), BundleFile("figures/b.png", (0..<3000).map { UInt8($0 % 251) }),
                     BundleFile("empty.txt", [])]
        let path = temporaryPath("bundle.tar")
        try writeBundle(files, to: path)
        #expect(try readBundle(path) == files)
        #expect(try tarBundle(files) == (try tarBundle(files)))
        #expect(try tarBundle(files).count % 512 == 0)
    }

    @Test func unsafeNamesAreRefused() throws {
        for bad in ["", "/abs.png", "../up.png", "a/../b.png"] {
            #expect(throws: DecodeError.self) { try tarBundle([BundleFile(bad, [1])]) }
        }
        #expect(throws: DecodeError.self) { try tarBundle([BundleFile("x", [1]), BundleFile("x", [2])]) }
        do { _ = try readBundle(temporaryPath("missing.tar")); Issue.record("expected an error") } catch {
            #expect("\(error)".contains("not a readable figure bundle"))
        }
    }
}
