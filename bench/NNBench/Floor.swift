// `nn-bench floor BODY.json [REPEATS]`: the two parts of a batch-1 JSON forward that no server
// can skip, each alone on the calling core, for bench/service/forward-floor.sh to print beside
// the service's CPU per forward:
//   gemv   the three matrix-vector passes of the 784-256-256-10 MLP (gemm at m = 1, bias,
//          ReLU) on buffers allocated once: the arithmetic and the 1.07 MB of weight reads
//   parse  the body read as the forward route reads it (JSONReader's tensor path, then a Tensor)
//   model  Model.forward of that row (what NeuralNet adds around the gemv passes)
//   row8   the same passes over 8 rows at once (gemm at m = 8), per row: the floor of a forward
//          that shares its pass with 7 others, as the service's concurrent forwards do
// Each figure is the median over rounds of the thread's CPU time per call (CLOCK_THREAD_CPUTIME_ID),
// printed as one line `floor gemv_us parse_us model_us row8_us` for scripts.
import Glibc
import JSON
import Kernels
import NeuralNet

/// CPU time of the calling thread, in seconds: what the core spent on this work, not the wall
/// time another process's share of the core would add.
func threadSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// Median over `rounds` rounds of the CPU time per call of `body`, in µs.
func medianMicroseconds(repeats: Int, rounds: Int = 9, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<rounds {
        let start = threadSeconds()
        for _ in 0..<repeats { try body() }
        times.append((threadSeconds() - start) / Double(repeats) * 1e6)
    }
    return times.sorted()[rounds / 2]
}

/// Parses `bytes` as the forward route parses `{"inputs": [[…]]}`.
func parseInputs(_ bytes: UnsafeRawBufferPointer) throws -> Tensor {
    var reader = try JSONReader(borrowing: bytes)
    try reader.beginObject()
    var inputs: JSONFloatTensor?
    while try reader.nextKey() != nil { inputs = try reader.readFloatTensor() }
    try reader.finish()
    guard let inputs else { throw FloorError.noInputs }
    return try Tensor(shape: inputs.shape, scalars: inputs.values)
}

/// Why the floor could not be measured.
enum FloorError: Error {
    case unreadable(String)
    case noInputs
}

/// µs with two decimals, without Foundation's formatting.
func twoDecimals(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}

/// Prints the floor figures for the body at `path`.
@MainActor func runFloor(path: String, repeats: Int) throws {
    guard let file = fopen(path, "rb") else { throw FloorError.unreadable(path) }
    defer { fclose(file) }
    var body: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while case let count = fread(&chunk, 1, chunk.count, file), count > 0 { body += chunk[..<count] }

    let input = try body.withUnsafeBytes { try parseInputs($0) }
    var buffers = (1...3).map { [Float](repeating: 0, count: widths[$0]) }
    let gemv = medianMicroseconds(repeats: repeats) { bareForward(input.scalars, batch: 1, buffers: &buffers) }
    // Eight rows side by side, as the service runs concurrent small forwards (ForwardCoalescer):
    // the weights are read once for all eight, so a row costs the arithmetic more than the reads.
    let eight = [Float]((0..<8).map { _ in input.scalars }.joined())
    var wide = (1...3).map { [Float](repeating: 0, count: 8 * widths[$0]) }
    let gemvRow8 = medianMicroseconds(repeats: max(1, repeats / 8)) { bareForward(eight, batch: 8, buffers: &wide) } / 8
    let parse = try body.withUnsafeBytes { bytes in try medianMicroseconds(repeats: repeats) { _ = try parseInputs(bytes) } }
    let forward = try medianMicroseconds(repeats: repeats) { _ = try model.forward(input) }
    print("floor", twoDecimals(gemv), twoDecimals(parse), twoDecimals(forward), twoDecimals(gemvRow8))
}
