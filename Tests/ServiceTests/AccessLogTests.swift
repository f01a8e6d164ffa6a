import Foundation
import Glibc
@testable import HTTP
import Logging
import Testing
@testable import Service

struct AccessLogTests {
    static func summary(_ index: Int, route: String? = "/v1/models/{model}") -> HTTPRequestSummary {
        HTTPRequestSummary(
            id: "req-\(index)", method: .get, route: route, target: "/v1/models/m?secret=1", status: .ok,
            bytesIn: 78, bytesOut: 1234, duration: .microseconds(1_503), remoteAddress: "127.0.0.1:5000",
            completed: true)
    }

    /// A pipe: the log writes to `write`, the test reads `read`.
    struct Pipe: ~Copyable {
        let read: Int32
        let write: Int32

        init() throws {
            var ends: [Int32] = [0, 0]
            try #require(pipe(&ends) == 0)
            read = ends[0]
            write = ends[1]
        }

        deinit {
            close(read)
            close(write)
        }

        /// Everything readable now (the write end stays open, so read non-blocking).
        func drain() -> String {
            _ = fcntl(read, F_SETFL, fcntl(read, F_GETFL) | O_NONBLOCK)
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(read, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                bytes += buffer[..<count]
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    @Test func writesOneLogfmtLinePerRequestWithoutTheQuery() throws {
        let pipe = try Pipe()
        let log = AccessLog(descriptor: pipe.write, ownsDescriptor: false, capacity: 16)
        log.record(Self.summary(1))
        log.record(Self.summary(2, route: nil))
        log.close()
        let lines = pipe.drain().split(separator: "\n")
        try #require(lines.count == 2)
        #expect(
            lines[0].wholeMatch(
                of:
                    /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z request id=req-1 remote=127\.0\.0\.1:5000 method=GET route=\/v1\/models\/\{model\} status=200 bytes_in=78 bytes_out=1234 duration_ms=1\.503 completed=true/
            ) != nil, "\(lines[0])")
        #expect(lines[1].contains("route=unmatched"))
        #expect(!lines.joined().contains("secret"))
        #expect(log.droppedLines == 0)
    }

    /// With the writer stuck on a full pipe and room for two lines, the rest are dropped at
    /// once (recording never blocks) and counted; what was kept is written once the pipe drains.
    @Test func dropsAndCountsLinesWhenTheQueueIsFull() async throws {
        let pipe = try Pipe()
        // Fill the pipe, so the writer's first write blocks.
        _ = fcntl(pipe.write, F_SETFL, fcntl(pipe.write, F_GETFL) | O_NONBLOCK)
        let filler = [UInt8](repeating: UInt8(ascii: "#"), count: 4096)
        var filled = 0
        while true {
            let count = filler.withUnsafeBytes { Glibc.write(pipe.write, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            filled += count
        }
        _ = fcntl(pipe.write, F_SETFL, fcntl(pipe.write, F_GETFL) & ~O_NONBLOCK)
        let log = AccessLog(descriptor: pipe.write, ownsDescriptor: false, capacity: 2)
        for index in 0..<10 { log.record(Self.summary(index)) }
        // The writer may have taken the first line before the queue filled (then it blocks on it).
        let dropped = log.droppedLines
        #expect((7...8).contains(dropped), "dropped \(dropped)")

        let harness = await ServiceHarness(accessLog: log)
        let metrics = String(decoding: try await harness.send(.get, "/metrics").body, as: UTF8.self)
        #expect(metrics.contains("paramd_access_log_dropped_lines_total \(dropped)"), "\(metrics)")

        // Read the filler and the kept lines while the log writes them out.
        let readEnd = pipe.read
        let reader = Task.detached { () -> String in
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while bytes.count(where: { $0 == UInt8(ascii: "\n") }) < 10 - dropped {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(readEnd, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                bytes += buffer[..<count]
            }
            return String(decoding: bytes.dropFirst(filled), as: UTF8.self)
        }
        log.close()
        let written = await reader.value
        #expect(written.split(separator: "\n").count == 10 - dropped)
    }

    @Test func aLogWithNothingToWriteClosesAtOnce() throws {
        let pipe = try Pipe()
        let log = AccessLog(descriptor: pipe.write, ownsDescriptor: false, capacity: 4)
        log.close()
        log.record(Self.summary(1))
        #expect(pipe.drain().isEmpty)
        #expect(log.droppedLines == 0)
    }

    @Test func aFileThatCannotBeOpenedIsAClearError() {
        #expect(throws: AccessLogError.self) { try AccessLog.file("/nonexistent-dir/access.log") }
    }
}
