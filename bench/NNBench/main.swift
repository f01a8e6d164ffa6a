// `swift run -c release nn-bench`: what NeuralNet's Model adds on top of the bare kernels.
// `nn-bench floor BODY.json`: the batch-1 floor of a JSON forward (Floor.swift).
//
// For the 784-256-256-10 MLP it times `Model.forward` and `Model.trainStep` (SGD) against
// the same kernel calls made directly on preallocated buffers, in the same run, and prints
// both times and their ratio. A ratio near 1 means the model layer (shape checks, tensor
// allocation, tape) costs little beside the arithmetic.
import Dispatch
import Glibc
import JSON
import Kernels
import NeuralNet

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Median time per call over `rounds` rounds of `repeats` calls.
func measure(repeats: Int, rounds: Int = 7, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<rounds { times.append(try seconds { for _ in 0..<repeats { try body() } } / Double(repeats)) }
    return times.sorted()[rounds / 2]
}

let widths = [784, 256, 256, 10]
let spec = try JSONValue(
    parsing:
        #"{"type": "sequential", "layers": [{"type": "linear", "in": 784, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 10}]}"#
)
var model = try Model(spec: spec, seed: 0)
let weights = try (0..<3).map { try model.parameter("\($0 * 2).weight").value.scalars }
let biases = try (0..<3).map { try model.parameter("\($0 * 2).bias").value.scalars }

/// The forward pass as bare kernel calls on buffers allocated once.
func bareForward(_ x: [Float], batch: Int, buffers: inout [[Float]]) {
    var input = x
    for l in 0..<3 {
        let (k, n) = (widths[l], widths[l + 1])
        input.withUnsafeBufferPointer { xp in
            weights[l].withUnsafeBufferPointer { wp in
                buffers[l].withUnsafeMutableBufferPointer { yp in
                    gemm(
                        .none, .transposed, m: batch, n: n, k: k, a: xp.baseAddress!, lda: k, b: wp.baseAddress!, ldb: k,
                        c: yp.baseAddress!, ldc: n)
                    biases[l].withUnsafeBufferPointer { addBias($0.baseAddress!, to: yp.baseAddress!, rows: batch, columns: n) }
                    if l < 2 { applyActivation(.relu, x: yp.baseAddress!, y: yp.baseAddress!, count: batch * n) }
                }
            }
        }
        input = buffers[l]
    }
}

if CommandLine.arguments.count >= 3, CommandLine.arguments[1] == "floor" {
    try runFloor(path: CommandLine.arguments[2], repeats: CommandLine.arguments.count > 3 ? Int(CommandLine.arguments[3]) ?? 2000 : 2000)
    exit(0)
}

print("NeuralNet overhead, 784-256-256-10 MLP (median of 7 rounds)")
print("case                    bare kernels     Model           ratio")
for batch in [1, 64, 256] {
    let x = (0..<(batch * 784)).map { Float($0 % 97) / 97 - 0.5 }
    let input = try Tensor(shape: [batch, 784], scalars: x)
    var buffers = (1...3).map { [Float](repeating: 0, count: batch * widths[$0]) }
    let repeats = max(1, 2000 / batch)
    let bare = measure(repeats: repeats) { bareForward(x, batch: batch, buffers: &buffers) }
    let ours = try measure(repeats: repeats) { _ = try model.forward(input) }
    func format(_ t: Double) -> String { t < 1e-3 ? "\(Int((t * 1e6).rounded())) µs" : "\((t * 1e5).rounded() / 100) ms" }
    func ratio(_ r: Double) -> String { "\((r * 100).rounded() / 100)×" }
    func column(_ s: String) -> String { s + String(repeating: " ", count: max(1, 16 - s.count)) }
    print(column("forward batch \(batch)") + "      " + column(format(bare)) + column(format(ours)) + ratio(ours / bare))
    let labels = LossTarget.classes((0..<batch).map { $0 % 10 })
    var optimizer = Optimizer(.sgd(.init(learningRate: 0.01)))
    let train = try measure(repeats: max(1, repeats / 3)) {
        try model.trainStep(input: input, target: labels, loss: .crossEntropy, optimizer: &optimizer)
    }
    print(
        column("train step batch \(batch)") + "     " + column("—") + column(format(train)) + "(" + ratio(train / bare) + " a bare forward)"
    )
}
