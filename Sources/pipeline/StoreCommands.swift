// `pipeline archive`, `restore`, `diff`, `gc`, `verify`.
import ArgumentParser
import Artifacts
import Foundation
import JSONText
import Pipeline

struct Archive: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a tar+zstd archive: pipeline.json, pipeline.lock, stages/, the objects of TARGETs (default all), hashes.")
    @OptionGroup var root: RootOption
    @Argument(help: "Archive file to write (e.g. results.tar.zst).") var file: String
    @Argument(help: "Stage instances or prefixes (default: all).") var targets: [String] = []
    func run() throws {
        try reporting {
            let r = try root.workspace().archive(to: file, targets: targets)
            say("wrote \(file): \(r.files) files, \(r.objects) objects")
            return 0
        }
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify every hash in an archive made by `pipeline archive`, then restore its files and objects.")
    @Option(help: "Checkout to restore into (default: the nearest directory upwards holding pipeline.json, else the current one).")
    var root: String?
    @Argument(help: "Archive file.") var file: String
    @Flag(help: "Replace pipeline.json, pipeline.lock or stages/ files that differ.") var overwrite = false
    func run() throws {
        try reporting {
            let r = try restoreArchive(file, root: root ?? Workspace.findRoot() ?? FileManager.default.currentDirectoryPath, overwrite: overwrite)
            say("restored \(r.objects) objects (\(r.repaired) of them replacing a corrupt copy), \(r.runs) runs into the run cache, files: \(r.files.isEmpty ? "none changed" : r.files.joined(separator: ", "))")
            return 0
        }
    }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Headline metrics and parameters at two git revisions side by side (default HEAD vs the working tree).")
    @OptionGroup var root: RootOption
    @Argument(help: "First revision (default HEAD).") var revA: String?
    @Argument(help: "Second revision (default: the working tree).") var revB: String?
    @Flag(help: "Also list values that did not change.") var all = false
    @Flag(help: "Print JSON.") var json = false
    func run() throws {
        try reporting {
            let d = try root.workspace().diff(revA, revB, all: all)
            say(json ? try CanonicalJSON.string(d.json) : d.text)
            return 0
        }
    }
}

struct Gc: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove objects that neither pipeline.lock nor (unless --drop-run-cache) the run cache refers to.")
    @OptionGroup var root: RootOption
    @Flag(help: "Also forget runs pipeline.lock does not use, and their objects.") var dropRunCache = false
    @Flag(help: "Only count.") var dryRun = false
    func run() throws {
        try reporting {
            let s = try root.workspace().gc(keepRunCache: !dropRunCache, dryRun: dryRun)
            say("\(dryRun ? "would remove" : "removed") \(s.removed) objects (\(s.bytesFreed / 1024) KiB), kept \(s.kept), forgot \(s.runsForgotten) cached runs")
            if s.temporaryEntries > 0 { say("removed \(describeFreed(entries: s.temporaryEntries, bytes: s.temporaryBytes)) left in the store's tmp/ by a process that died") }
            return 0
        }
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rehash every object; report (and move aside) corrupt ones, naming the stage that made each. Exit 1 on any problem.")
    @OptionGroup var root: RootOption
    func run() throws {
        try reporting {
            let r = try root.workspace().verify(log: say)
            if r.temporaryEntries > 0 { say("removed \(describeFreed(entries: r.temporaryEntries, bytes: r.temporaryBytes)) left in the store's tmp/ by a process that died") }
            for m in r.missing { say("MISSING \(m.stage) \(m.what) \(m.digest.hex) (rerun `pipeline run \(m.stage)` or restore an archive)") }
            say("checked \(r.checked) objects: \(r.corrupt.count) corrupt, \(r.missing.count) referenced by pipeline.lock but missing")
            return r.ok ? 0 : 1
        }
    }
}
