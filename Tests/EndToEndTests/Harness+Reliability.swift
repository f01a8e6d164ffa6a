import Foundation
import Synchronization
#if canImport(Glibc)
    import Glibc
#endif

/// What the durability, concurrency and hostile-input suites add to ``ServerProcess``.
extension ServerProcess {
    /// A request over ``Wire`` to this server, with its bearer token when it has one.
    func wire(
        _ method: String, _ target: String, _ json: String? = nil, headers: [(String, String)] = [],
        timeout: TimeInterval = 30
    ) throws -> WireResponse {
        var headers = headers
        if let token, !headers.contains(where: { $0.0.lowercased() == "authorization" }) {
            headers.append(("Authorization", "Bearer \(token)"))
        }
        return try Wire.json(port: port, method, target, json, headers: headers, timeout: timeout)
    }

    /// Polls /readyz until it answers 200; false when `timeout` passes first.
    func waitUntilReady(timeout: TimeInterval = 30) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let response = try? wire("GET", "/readyz", timeout: 2), response.status == 200 { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// The server's resident memory in MiB, from /proc (nil once it has exited).
    var residentMegabytes: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
        else { return nil }
        return kilobytes / 1024
    }

    /// `models/` inside the data directory (Sources/Service/Storage/DataDirectory.swift).
    var modelsFolder: URL { dataDirectory.appendingPathComponent("models", isDirectory: true) }

    /// The one file a model is stored in.
    func modelFile(_ name: String) -> URL {
        modelsFolder.appendingPathComponent(name, isDirectory: true).appendingPathComponent("checkpoint.safetensors")
    }
}

/// SplitMix64: a small seeded generator, so a failing run can be repeated with its seed.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `PARAMD_E2E_SEED` when set (to replay a failure), else a fresh random seed.
    static func runSeed() -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["PARAMD_E2E_SEED"], let seed = UInt64(text) { return seed }
        return UInt64.random(in: 0...UInt64.max)
    }
}

/// Runs blocking work on plain threads: socket clients must not sit on Swift's cooperative
/// pool, which has one thread per core (two here) and would serialize them.
enum ClientThreads {
    /// Runs `body(i)` for every i in 0..<count, each on a thread of its own; returns the
    /// results in order once all have finished.
    static func run<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        let results = Mutex<[Int: T]>([:])
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            let thread = Thread {
                let result = body(index)
                results.withLock { $0[index] = result }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        return results.withLock { all in (0..<count).map { all[$0]! } }
    }
}

/// Keeps the heavy suites (SIGKILL rounds, soak, latency) from overlapping one another, so
/// the latency bounds measure paramd rather than the other suite's load.
enum HeavyTestGate {
    private static let lock = NSLock()

    static func exclusively<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

/// JSON tensors as the tests write and read them.
enum TensorJSON {
    /// A nested JSON array of `shape` whose every element is `value`.
    static func constant(_ shape: [Int], _ value: Double) -> String {
        let number = value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        func nest(_ dimensions: ArraySlice<Int>) -> String {
            guard let first = dimensions.first else { return number }
            let inner = nest(dimensions.dropFirst())
            return "[" + Array(repeating: inner, count: first).joined(separator: ",") + "]"
        }
        return nest(shape[...])
    }

    /// Every number of a nested JSON array, row-major; nil when anything else is inside.
    static func flatten(_ value: Any?) -> [Double]? {
        if let number = value as? NSNumber { return [number.doubleValue] }
        guard let array = value as? [Any] else { return nil }
        var result: [Double] = []
        for element in array {
            guard let inner = flatten(element) else { return nil }
            result += inner
        }
        return result
    }

    /// Little-endian float32 bytes of `count` copies of `value`.
    static func rawConstant(count: Int, _ value: Float) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 4)
        let word = value.bitPattern.littleEndian
        for _ in 0..<count { withUnsafeBytes(of: word) { bytes += $0 } }
        return bytes
    }

    /// Little-endian float32 bytes read back.
    static func floats(_ bytes: [UInt8]) -> [Float] {
        stride(from: 0, to: bytes.count - bytes.count % 4, by: 4).map { offset in
            Float(
                bitPattern: UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
                    | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24)
        }
    }
}

/// Model specs the reliability suites use.
enum ReliabilitySpecs {
    /// 4 → 8 → ReLU → 2: parameters 0.weight [8,4], 0.bias [8], 2.weight [2,8], 2.bias [2].
    static let small =
        #"{"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 2}]}"#
    static let smallShapes: [String: [Int]] = ["0.weight": [8, 4], "0.bias": [8], "2.weight": [2, 8], "2.bias": [2]]

    /// The create body for `name` with `spec`.
    static func create(_ name: String, spec: String = small, seed: Int = 0) -> String {
        #"{"name": "\#(name)", "seed": \#(seed), "spec": \#(spec)}"#
    }
}
