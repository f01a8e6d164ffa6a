import Foundation

/// numpy's and PyTorch's best times for one case, in seconds (torch nil when not installed, numpy
/// nil for the convolution cases, which numpy has no kernel for).
struct PeerTime: Decodable {
    var numpy: Double?
    var torch: Double?
}

enum PeerError: Error, CustomStringConvertible {
    case scriptMissing(path: String)
    case exited(stderr: String)
    var description: String {
        switch self {
        case .scriptMissing(let path): "peer script not found at \(path)"
        case .exited(let stderr): "peer.py stopped answering: \(stderr)"
        }
    }
}

/// A running bench/kernels/peer.py, asked one case at a time so that our timings and the
/// peers' alternate and the machine's load falls on both alike.
final class PeerSession {
    private let process = Process()
    private let input = Pipe(), output = Pipe(), errors = Pipe()
    private var buffer = Data()
    /// Library versions and the OpenBLAS kernel in use, as the peer reports them.
    private(set) var description = ""

    /// bench/kernels/peer.py, found from this source file so any working directory works.
    static var scriptPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("kernels/peer.py").path
    }

    /// Starts the peer. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, set on some machines here for
    /// old OpenBLAS builds, slow a current numpy down: they are removed for this subprocess only.
    init() throws {
        let path = Self.scriptPath
        guard FileManager.default.fileExists(atPath: path) else { throw PeerError.scriptMissing(path: path) }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path]
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = nil
        environment["OPENBLAS_L2_SIZE"] = nil
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        struct Hello: Decodable { var description: String }
        description = try JSONDecoder().decode(Hello.self, from: try readLine()).description
    }

    /// Times one case: `request` is the JSON object peer.py documents.
    func time(_ request: [String: Any]) throws -> PeerTime {
        var line = try JSONSerialization.data(withJSONObject: request)
        line.append(UInt8(ascii: "\n"))
        input.fileHandleForWriting.write(line)
        return try JSONDecoder().decode(PeerTime.self, from: try readLine())
    }

    func close() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    private func readLine() throws -> Data {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[(newline + 1)...])
                return Data(line)
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty {
                let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                throw PeerError.exited(stderr: stderr)
            }
            buffer.append(chunk)
        }
    }
}
