// The client payload families of payloads.py: forward bodies as Python, numpy, JavaScript and
// pretty-printing clients write them, read by paramd and by orjson.loads on the same bytes.
import Foundation
import JSON

/// One body of payloads.py's manifest.
struct FamilyBody {
    let family: String
    let batch: Int
    let path: String
    let bytes: [UInt8]
    let numbers: Int
    /// Sum of the Float32 bit patterns of strtof on every number (payloads.py).
    let checksum: UInt64
}

/// Runs payloads.py into `directory` and loads the bodies it lists.
func writeFamilies(into directory: URL, batches: [Int]) throws -> [FamilyBody] {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("payloads.py").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script, directory.path] + batches.map(String.init)
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let manifestPath = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    process.waitUntilExit()
    precondition(process.terminationStatus == 0, "payloads.py failed")
    guard case .array(let entries) = try JSONValue(parsing: [UInt8](try Data(contentsOf: URL(fileURLWithPath: manifestPath)))) else {
        fatalError("payloads.py wrote no manifest")
    }
    return try entries.map { entry in
        guard case .object(let fields) = entry, case .string(let family)? = fields["family"],
            case .number(let batch)? = fields["batch"], case .string(let path)? = fields["path"],
            case .number(let numbers)? = fields["numbers"], case .number(let checksum)? = fields["checksum"]
        else { fatalError("manifest entry \(entry)") }
        return FamilyBody(
            family: family, batch: Int(batch), path: path, bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))),
            numbers: Int(numbers), checksum: UInt64(checksum))
    }
}

/// `{"inputs": ...}` read as the forward route reads it.
func readInputs(_ bytes: [UInt8]) throws -> JSONFloatTensor {
    var tensor = JSONFloatTensor(shape: [0], values: [])
    var reader = try JSONReader(bytes)
    try reader.beginObject()
    while try reader.nextKey() != nil { tensor = try reader.readFloatTensor() }
    try reader.finish()
    return tensor
}

/// Times paramd and orjson.loads on every family body and prints ns per number, the ratio,
/// and each family's cost per number against the short compact form's (same batch).
func reportFamilies(_ bodies: [FamilyBody], repeats: Int, peer: (String) -> Double?) throws {
    print("\nClient payload families (payloads.py): ns per number, best of \(repeats); orjson.loads on the same bytes")
    print("family            batch  bytes/number | paramd ns/number  vs short-compact | orjson ns/number  orjson/paramd")
    var shortCompact: [Int: Double] = [:]
    for body in bodies {
        let tensor = try readInputs(body.bytes)
        let checksum = tensor.values.reduce(UInt64(0)) { $0 &+ UInt64($1.bitPattern) }
        precondition(
            tensor.values.count == body.numbers && checksum == body.checksum,
            "\(body.family) batch \(body.batch): paramd's Floats differ from strtof's")
        let seconds = try bestSeconds(repeats: repeats) { _ = try readInputs(body.bytes) }
        let ours = seconds * 1e9 / Double(body.numbers)
        if body.family == "short-compact" { shortCompact[body.batch] = ours }
        let orjson = peer(body.path).map { $0 * 1e9 / Double(body.numbers) }
        print(
            body.family.padding(toLength: 17, withPad: " ", startingAt: 0), String(format: "%5d", body.batch),
            String(format: "%13.1f", Double(body.bytes.count) / Double(body.numbers)), "|",
            String(format: "%16.2f", ours),
            shortCompact[body.batch].map { String(format: "%17.2fx", ours / $0) } ?? "                 -", "|",
            orjson.map { String(format: "%16.2f", $0) } ?? "               -",
            orjson.map { String(format: "%13.2fx", $0 / ours) } ?? "             -")
    }
}
