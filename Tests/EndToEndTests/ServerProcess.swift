import Foundation
import Testing

/// The real `paramd` binary, started on 127.0.0.1 with a free port and a temporary data
/// directory (or a given one, to test restarts), stopped with SIGTERM.
///
/// The binary is the one `swift test` has just built: `.build/debug/paramd` under the package
/// root, found from this file's path so the tests work from any working directory.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let dataDirectory: URL
    let token: String?
    private let stderrLines: LineCollector

    /// Where the package root is: two levels above Tests/EndToEndTests/.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["PARAMD_TEST_BINARY"] { return URL(fileURLWithPath: explicit) }
        return packageRoot.appendingPathComponent(".build/debug/paramd")
    }

    /// A fresh, empty data directory under the system's temporary directory.
    static func temporaryDataDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("paramd-e2e-\(UUID().uuidString)", isDirectory: true)
        return url
    }

    /// Starts the server and waits until it logs the port it listens on.
    init(
        dataDirectory: URL? = nil, token: String? = nil, arguments extra: [String] = [],
        environment extraEnvironment: [String: String] = [:]
    ) throws {
        self.dataDirectory = dataDirectory ?? Self.temporaryDataDirectory()
        self.token = token
        process.executableURL = Self.binary
        var arguments = ["--host", "127.0.0.1", "--port", "0", "--data-dir", self.dataDirectory.path, "--log-level", "info"]
        if let token { arguments += ["--token", token] }
        process.arguments = arguments + extra
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PARAMD_") }
        environment.merge(extraEnvironment) { _, new in new }
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        stderrLines = LineCollector(errors.fileHandleForReading)
        try process.run()
        guard let line = stderrLines.waitForLine(containing: "listening", timeout: 30),
            let range = line.range(of: #"port=(\d+)"#, options: .regularExpression),
            let port = Int(line[range].dropFirst("port=".count))
        else {
            process.terminate()
            throw StartError.noListeningLine(log: stderrLines.text)
        }
        self.port = port
    }

    enum StartError: Error, CustomStringConvertible {
        case noListeningLine(log: String)
        var description: String {
            switch self {
            case .noListeningLine(let log): "paramd did not report its port; its log:\n\(log)"
            }
        }
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Everything the server logged so far.
    var log: String { stderrLines.text }

    /// Sends SIGTERM and waits; returns the exit status (0 after a graceful shutdown).
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            process.interrupt()  // SIGINT; SIGTERM is tested on its own
            process.waitUntilExit()
        }
        stderrLines.waitForEnd(timeout: 5)
        return process.terminationStatus
    }

    /// Sends `signal` and waits for the exit.
    func stop(signal: Int32) -> Int32 {
        if process.isRunning {
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
        }
        stderrLines.waitForEnd(timeout: 5)
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Removes the data directory (for tests that made it).
    func removeData() {
        try? FileManager.default.removeItem(at: dataDirectory)
    }
}

/// Collects a pipe's output line by line on a background thread.
final class LineCollector: @unchecked Sendable {
    private let lock = NSCondition()
    private var buffer = ""
    private var isClosed = false

    init(_ handle: FileHandle) {
        let thread = Thread { [weak self] in
            while true {
                let data = handle.availableData
                guard let self else { break }
                if data.isEmpty {
                    self.lock.lock()
                    self.isClosed = true
                    self.lock.broadcast()
                    self.lock.unlock()
                    break
                }
                self.lock.lock()
                self.buffer += String(decoding: data, as: UTF8.self)
                self.lock.broadcast()
                self.lock.unlock()
            }
        }
        thread.start()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return buffer
    }

    /// Waits until the pipe is closed (the process exited and everything it wrote was read).
    func waitForEnd(timeout: TimeInterval) {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while !isClosed {
            if !lock.wait(until: deadline) { return }
        }
    }

    func waitForLine(containing needle: String, timeout: TimeInterval) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while true {
            if let line = buffer.split(separator: "\n").first(where: { $0.contains(needle) }) {
                return String(line)
            }
            // The process ended (its stderr closed) without the line: no point waiting longer.
            if isClosed { return nil }
            if !lock.wait(until: deadline) { return nil }
        }
    }
}
