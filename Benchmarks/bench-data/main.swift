// bench-data: wall time and artifact sizes of the paper-profile task data (all three tasks,
// all OOD sets) and of the corpora, in a release build. Usage:
//   bench-data [PACKAGES_DIR] [OUT_DIR] [MODEL]   (MODEL: also time compiled-input alignment)
import Foundation
import Support
import Tasks

requireBuildCPU(program: "bench-data")

let args = CommandLine.arguments
let packages = args.count > 1 ? args[1] : "vendor/packages"
let out = args.count > 2 ? args[2] : NSTemporaryDirectory() + "bench-data"
let model = args.count > 3 ? args[3] : nil
try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)

func size(_ p: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: p))?[.size] as? Int) ?? 0 }
func mb(_ n: Int) -> String { String(format: "%.1f MB", Double(n) / 1e6) }

var total = 0.0
for task in TaskKind.allCases {
    let o = TaskOutputs(train: "\(out)/\(task)-train.jsonl", test: "\(out)/\(task)-test.jsonl", ood: "\(out)/\(task)-ood.jsonl",
                        card: "\(out)/\(task)-card.json", cardMarkdown: "\(out)/\(task)-card.md")
    let tok = try model.map { try loadTaskTokenizer(model: $0, task: task) }
    let t0 = Date()
    let card = try writeTaskData(task, profile: "paper", sizes: .of(task, profile: .paper), options: OODOptions(), seed: 0,
                                 outputs: o, tokenizer: tok)
    let dt = Date().timeIntervalSince(t0)
    total += dt
    let counts = card.sets.map { "\($0.name)=\($0.examples)" }.joined(separator: " ")
    print(String(format: "%-6@ %6.2f s  train %@ test %@ ood %@  dup removed %d  %@", task.rawValue, dt,
                 mb(size(o.train)), mb(size(o.test)), mb(size(o.ood)), card.duplicatesRemoved, counts))
}
let t0 = Date()
let co = CorporaOutputs(sst2: out + "/sst2.jsonl", mrpc: out + "/mrpc.jsonl", lambada: out + "/lambada.jsonl",
                        shakespeare: out + "/shakespeare.txt", documents: out + "/documents.jsonl", card: out + "/corpora.json")
let cc = try writeCorpora(packages: packages, outputs: co)
let dc = Date().timeIntervalSince(t0)
total += dc
print(String(format: "corpora %6.2f s  %@", dc, cc.corpora.map { "\($0.name) \($0.records) (\(mb($0.bytes)))" }.joined(separator: ", ")))
print(String(format: "total %.2f s%@", total, model == nil ? " (no alignment)" : " (with alignment)"))
