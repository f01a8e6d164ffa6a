import Foundation

/// Timings of numpy and PyTorch from bench/kernels/peer.py, keyed by thread count ("1", "2").
struct PeerResults: Decodable {
    struct Times: Decodable {
        var gemm: [Double]
        var mlp: [Double]
    }
    var numpy: [String: Times]
    var torch: [String: Times]
    var description: String
}

enum PeerError: Error, CustomStringConvertible {
    case scriptMissing(path: String)
    case failed(status: Int32, stderr: String)
    var description: String {
        switch self {
        case .scriptMissing(let path): "peer script not found at \(path)"
        case .failed(let status, let stderr): "peer.py exited with \(status): \(stderr)"
        }
    }
}

enum Peer {
    /// bench/kernels/peer.py, found from this source file so any working directory works.
    static var scriptPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("kernels/peer.py").path
    }

    /// Runs the peer on the bench plan. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, set on some
    /// machines here for old OpenBLAS builds, slow a current numpy down: they are removed for
    /// this subprocess only.
    static func run(minSeconds: Double) throws -> PeerResults {
        let path = scriptPath
        guard FileManager.default.fileExists(atPath: path) else { throw PeerError.scriptMissing(path: path) }
        let spec: [String: Any] = [
            "gemm": BenchPlan.gemms.map { [$0.m, $0.n, $0.k, $0.layout.rawValue] as [Any] },
            "mlp": BenchPlan.forwardBatches,
            "layers": BenchPlan.layers,
            "threads": BenchPlan.threadCounts,
            "min_seconds": minSeconds,
        ]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path]
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = nil
        environment["OPENBLAS_L2_SIZE"] = nil
        process.environment = environment
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: spec))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PeerError.failed(status: process.terminationStatus, stderr: errorText)
        }
        return try JSONDecoder().decode(PeerResults.self, from: data)
    }
}
