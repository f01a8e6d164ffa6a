// JSONBench: paramd's JSON reader and writer beside Python's orjson and json, measured in the
// same run on the same bytes. Build with -c release; see README.md.
import Foundation
import JSON

/// Best wall time of `repeats` runs of `body`, in seconds: on a shared machine the minimum is
/// the run least disturbed by other processes, for paramd and the peers alike.
func bestSeconds(repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return times.min()!
}

/// One payload: its bytes, and how paramd reads and writes it.
struct Payload {
    let name: String
    let bytes: [UInt8]
    let read: ([UInt8]) throws -> Void
    let write: () -> [UInt8]
}

func randomTensor(_ shape: [Int]) -> JSONFloatTensor {
    var generator = SystemRandomNumberGenerator()
    return JSONFloatTensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -1...1, using: &generator) })
}

/// `{"inputs": [[...]]}` read through the pull reader's tensor fast path, as a forward route does.
func inputsPayload(name: String, shape: [Int]) -> Payload {
    let tensor = randomTensor(shape)
    var writer = JSONWriter()
    writer.beginObject()
    writer.key("inputs")
    writer.write(tensor: tensor)
    writer.endObject()
    return Payload(
        name: name, bytes: writer.bytes,
        read: { bytes in
            var reader = try JSONReader(bytes)
            try reader.beginObject()
            while try reader.nextKey() != nil { _ = try reader.readFloatTensor() }
            try reader.finish()
        },
        write: {
            var writer = JSONWriter(reservingCapacity: tensor.values.count * 12)
            writer.beginObject()
            writer.key("inputs")
            writer.write(tensor: tensor)
            writer.endObject()
            return writer.bytes
        })
}

/// A spec-like document of many small objects, read as a JSONValue tree.
func treePayload() -> Payload {
    let layers: [JSONValue] = (0..<2000).map { index -> JSONValue in
        var layer: [String: JSONValue] = ["bias": .bool(true), "name": .string("block \(index)")]
        layer["type"] = .string(index % 2 == 0 ? "linear" : "relu")
        layer["in"] = .number(Double(index))
        layer["out"] = .number(Double(index + 1))
        return .object(layer)
    }
    let value = JSONValue.object(["name": .string("big"), "seed": .number(7), "layers": .array(layers)])
    return Payload(
        name: "tree 2000 layers", bytes: value.jsonBytes,
        read: { bytes in _ = try JSONValue(parsing: bytes) }, write: { value.jsonBytes })
}

func format(_ seconds: Double) -> String { String(format: "%8.3f ms", seconds * 1e3) }
func megabytesPerSecond(_ bytes: Int, _ seconds: Double) -> String {
    String(format: "%7.0f MB/s", Double(bytes) / seconds / 1e6)
}

let repeats = Int(CommandLine.arguments.dropFirst().first(where: { Int($0) != nil }) ?? "") ?? 50
let payloads = [
    inputsPayload(name: "inputs 1x784", shape: [1, 784]),
    inputsPayload(name: "inputs 64x784", shape: [64, 784]),
    inputsPayload(name: "weight 256x784", shape: [256, 784]),
    treePayload()
]

// `JSONBench profile INDEX read|write [RUNS]`: loop over one payload only, for `perf record`.
if CommandLine.arguments.count >= 4, CommandLine.arguments[1] == "profile", let index = Int(CommandLine.arguments[2]) {
    let payload = payloads[index]
    let isRead = CommandLine.arguments[3] == "read"
    let runs = CommandLine.arguments.count > 4 ? Int(CommandLine.arguments[4]) ?? 200 : 200
    let seconds = try bestSeconds(repeats: runs) {
        if isRead { try payload.read(payload.bytes) } else { _ = payload.write() }
    }
    print(payload.name, CommandLine.arguments[3], format(seconds), megabytesPerSecond(payload.bytes.count, seconds))
    exit(0)
}

// `JSONBench file PATH [RUNS]`: a forward body written elsewhere (e.g. by orjson_payload.py)
// read as the service reads it; prints the time per number and a checksum of the Float bits
// (their sum), which orjson_payload.py prints too for the same numbers.
if CommandLine.arguments.count >= 3, CommandLine.arguments[1] == "file" {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: CommandLine.arguments[2])))
    let runs = CommandLine.arguments.count > 3 ? Int(CommandLine.arguments[3]) ?? 200 : 200
    var tensor = JSONFloatTensor(shape: [0], values: [])
    let seconds = try bestSeconds(repeats: runs) {
        var reader = try JSONReader(bytes)
        try reader.beginObject()
        while try reader.nextKey() != nil { tensor = try reader.readFloatTensor() }
        try reader.finish()
    }
    let checksum = tensor.values.reduce(UInt64(0)) { $0 &+ UInt64($1.bitPattern) }
    print(
        "shape \(tensor.shape)", format(seconds), megabytesPerSecond(bytes.count, seconds),
        String(format: "%.2f ns/number", seconds * 1e9 / Double(max(tensor.values.count, 1))), "checksum \(checksum)")
    exit(0)
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jsonbench-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
// `JSONBench families [REPEATS]`: only the client payload families (Families.swift).
let familiesOnly = CommandLine.arguments.count >= 2 && CommandLine.arguments[1] == "families"
let familyBodies = try writeFamilies(into: directory, batches: [1, 64])
var paths: [String] = []
for (index, payload) in payloads.enumerated() where !familiesOnly {
    let url = directory.appendingPathComponent("payload\(index).json")
    try Data(payload.bytes).write(to: url)
    paths.append(url.path)
}

// The peer: Python's orjson and json on the very same files.
let peerScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("peer.py").path
let process = Process()
process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
process.arguments = ["python3", peerScript, String(repeats)] + paths + ["--loads-only"] + familyBodies.map(\.path)
let pipe = Pipe()
process.standardOutput = pipe
try process.run()
let peerOutput = pipe.fileHandleForReading.readDataToEndOfFile()
process.waitUntilExit()
let peer = try JSONValue(parsing: [UInt8](peerOutput))

func peerSeconds(_ library: String, _ operation: String, _ path: String) -> Double? {
    guard case .object(let libraries) = peer, case .object(let operations)? = libraries[library],
        case .object(let files)? = operations[operation], case .number(let seconds)? = files[path]
    else { return nil }
    return seconds
}

func ratio(_ peer: Double?, _ ours: Double) -> String {
    guard let peer else { return "      -" }
    return String(format: "%6.2fx", peer / ours)
}

try reportFamilies(familyBodies, repeats: repeats) { peerSeconds("orjson", "loads", $0) }
if familiesOnly { exit(0) }

print("\nJSONBench: best of \(repeats) runs; ratio = peer time / paramd time (> 1: paramd faster)")
print("payload            bytes    | paramd read          | vs orjson  vs json  vs Foundation | paramd write         | vs orjson  vs json")
for (payload, path) in zip(payloads, paths) {
    let read = try bestSeconds(repeats: repeats) { try payload.read(payload.bytes) }
    let data = Data(payload.bytes)
    let foundation = try bestSeconds(repeats: max(3, repeats / 10)) {
        _ = try JSONSerialization.jsonObject(with: data)
    }
    var written = 0
    let write = bestSeconds(repeats: repeats) { written = payload.write().count }
    precondition(written == payload.bytes.count, "writer output size changed")
    print(
        payload.name.padding(toLength: 17, withPad: " ", startingAt: 0),
        String(format: "%9d", payload.bytes.count), "|",
        format(read), megabytesPerSecond(payload.bytes.count, read), "|",
        ratio(peerSeconds("orjson", "loads", path), read), "  ", ratio(peerSeconds("json", "loads", path), read),
        "  ", ratio(foundation, read), "     |",
        format(write), megabytesPerSecond(payload.bytes.count, write), "|",
        ratio(peerSeconds("orjson", "dumps", path), write), "  ", ratio(peerSeconds("json", "dumps", path), write))
}
