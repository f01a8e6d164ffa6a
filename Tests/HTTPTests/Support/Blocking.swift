import Foundation

/// Runs blocking work (socket reads, child processes) on a thread of its own, never on Swift's
/// cooperative pool, whose two threads the server's handlers need.
func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try work() })
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

/// Monotonic seconds, for latencies measured in tests.
func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

struct ProcessResult: Sendable {
    var status: Int32
    var stdout: [UInt8]
    var stderr: String
    var text: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs an executable found on PATH with arguments, optionally feeding stdin, on its own thread.
func run(_ executable: String, _ arguments: [String], stdin: [UInt8]? = nil) async throws -> ProcessResult {
    try await blocking {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin))
            try input.fileHandleForWriting.close()
        }
        // Drain stderr on another thread while reading stdout here, so neither pipe fills up.
        let stderrBox = DataBox()
        let stderrDone = DispatchSemaphore(value: 0)
        Thread {
            stderrBox.data = err.fileHandleForReading.readDataToEndOfFile()
            stderrDone.signal()
        }.start()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        stderrDone.wait()
        let stderrData = stderrBox.data
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus, stdout: Array(stdoutData),
            stderr: String(decoding: stderrData, as: UTF8.self))
    }
}

/// Hands data from the stderr reader thread to the waiting one (ordered by a semaphore).
private final class DataBox: @unchecked Sendable {
    var data = Data()
}
