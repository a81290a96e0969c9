// `pipeline`: graft's DAG runner over pipeline.json and the content-addressed store in
// artifacts/ (DESIGN.md §2–3). Each subcommand parses its flags and calls one Workspace method.
import ArgumentParser
import Foundation
import Pipeline

struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Run graft's stages: content-addressed outputs, keys from code + params + inputs, a run cache.",
        subcommands: [Run.self, Status.self, Dag.self, Show.self, Export.self, Archive.self, Restore.self, Diff.self, Gc.self, Verify.self])
}

struct RootOption: ParsableArguments {
    @Option(help: "Repository root (default: the nearest directory upwards holding pipeline.json).")
    var root: String?

    func workspace() throws -> Workspace {
        guard let r = root ?? Workspace.findRoot() else {
            throw ValidationError("no pipeline.json here or in any parent directory (pass --root)")
        }
        return try Workspace(root: r)
    }
}

/// Prints whole lines from any thread.
let printLock = NSLock()
@Sendable func say(_ line: String) {
    printLock.lock()
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
    printLock.unlock()
}

/// Runs `body`, printing graft's errors (which already say what to do) without a stack of wrappers.
func reporting(_ body: () throws -> Int32) throws {
    do {
        let code = try body()
        if code != 0 { throw ExitCode(code) }
    } catch let e as ExitCode { throw e }
    catch let e as ValidationError { throw e }
    catch {
        FileHandle.standardError.write(Data("pipeline: \(error)\n".utf8))
        throw ExitCode(2)
    }
}

signal(SIGXFSZ, SIG_IGN)      // a file-size limit becomes an EFBIG error we report, not a crash
PipelineCommand.main()
