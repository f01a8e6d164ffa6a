import Foundation
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// Hostile clients at the connection level: hundreds that stall mid-request, ones that never
/// read their answers, pipelined bursts, uploads and trainings abandoned halfway. Other
/// clients keep being served promptly, and nothing stored changes by accident.
@Suite
struct HostileConnectionTests {
    /// Answered within this much while the hostile connections are open.
    static let prompt: TimeInterval = 3

    @Test func stalledConnectionsDoNotStarveOthers() throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        let before = try HostileInputReliabilityTests.prepare(server)
        var stalled: [Int32] = []
        defer { stalled.forEach { close($0) } }
        for index in 0..<400 {
            let partial =
                index % 2 == 0
                ? "POST /v1/models/mlp/forward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"inp"
                : "GET /v1/models/mlp HTTP/1.1\r\nHost: x\r\nX-Slow: "
            stalled.append(try Wire.openStalled(port: server.port, sending: Array(partial.utf8)))
        }
        let started = Date()
        let health = try server.wire("GET", "/healthz", timeout: Self.prompt)
        let forward = try server.wire("POST", "/v1/models/mlp/forward", #"{"inputs": [[1, 2, 3, 4]]}"#, timeout: Self.prompt)
        #expect(health.status == 200 && forward.status == 200, "beside 400 stalled connections: \(health.status), \(forward.status)")
        #expect(Date().timeIntervalSince(started) < Self.prompt)
        #expect(try StoredSnapshot.take(server) == before)
    }

    /// Raw float32 answers, so the server's cost is the bytes, not JSON formatting (which a
    /// debug build does at ~1 MB/s): the test is about backpressure, not CPU.
    @Test func clientsThatNeverReadDoNotBlockOthers() throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        let wide = #"{"type": "sequential", "layers": [{"type": "linear", "in": 1024, "out": 1024}]}"#
        let created = try server.wire("POST", "/v1/models", ReliabilitySpecs.create("wide", spec: wide))
        try #require(created.status == 201, "\(created.text)")
        // Each asks five times for 4 MiB and never reads a byte: far beyond the socket buffers.
        let request = String(
            repeating: "GET /v1/models/wide/parameters/0.weight HTTP/1.1\r\nHost: x\r\nAccept: application/octet-stream\r\n\r\n", count: 5)
        var sleepers: [Int32] = []
        defer { sleepers.forEach { close($0) } }
        for _ in 0..<20 { sleepers.append(try Wire.openStalled(port: server.port, sending: Array(request.utf8))) }
        Thread.sleep(forTimeInterval: 0.5)
        let started = Date()
        let health = try server.wire("GET", "/healthz", timeout: Self.prompt)
        let patched = try server.wire("PATCH", "/v1/models/wide/parameters/0.bias", #"{"op": "fill", "value": 1}"#, timeout: Self.prompt)
        #expect(health.status == 200 && patched.status == 200, "beside 20 clients that never read: \(health.status), \(patched.status)")
        #expect(Date().timeIntervalSince(started) < Self.prompt)
    }

    @Test func aPipelinedBurstIsAnsweredInOrder() throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        _ = try HostileInputReliabilityTests.prepare(server)
        var burst = ""
        for index in 0..<60 {
            burst +=
                index % 3 == 0
                ? "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                : index % 3 == 1
                    ? "GET /v1/models/mlp/nope HTTP/1.1\r\nHost: x\r\n\r\n"
                    : "POST /v1/models/mlp/forward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 26\r\n\r\n{\"inputs\": [[1, 2, 3, 4]]}"
        }
        burst += "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        let text = try Wire.exchange(port: server.port, Array(burst.utf8), timeout: 10) {
            $0.components(separatedBy: "HTTP/1.1 ").count - 1 >= 61
        }
        let statuses = text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
        let expected = (0..<60).map { $0 % 3 == 1 ? "404" : "200" } + ["200"]
        #expect(statuses == expected, "pipelined statuses out of order or wrong: \(statuses)")
    }

    /// 16 KiB of gzip that inflates to 64 MiB, against a 1 MiB body limit: refused with 413
    /// (inflation stops at the limit), and the server is fine afterwards, several times over.
    @Test func aGzipBombIsRefused() throws {
        let server = try ServerProcess(arguments: ["--max-body-bytes", "1048576"])
        defer { server.stop(); server.removeData() }
        let before = try HostileInputReliabilityTests.prepare(server)
        let bomb = try Self.gzipOfZeros(megabytes: 64)
        try #require(bomb.count < 1 << 20, "the bomb itself must fit under the limit: \(bomb.count) bytes")
        for _ in 0..<4 {
            let response = try Wire.request(
                port: server.port, "POST", "/v1/models/mlp/forward", body: bomb,
                headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")], timeout: 10)
            #expect(response.status == 413 && response.isProblem, "a gzip bomb: \(response.status) \(response.text.prefix(200))")
        }
        #expect(try server.wire("GET", "/healthz").status == 200)
        #expect(try StoredSnapshot.take(server) == before)
    }

    /// `head -c N /dev/zero | gzip -c`, by the system's gzip.
    static func gzipOfZeros(megabytes: Int) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "head -c \(megabytes << 20) /dev/zero | gzip -c"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return [UInt8](data)
    }

    @Test func anAbandonedUploadChangesNothing() throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        let before = try HostileInputReliabilityTests.prepare(server)
        for _ in 0..<20 {
            let head =
                "PUT /v1/models/mlp/parameters/0.bias HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
            let descriptor = try Wire.openStalled(port: server.port, sending: Array((head + #"{"value": [1, 1, 1, 1, 1, 1, 1, 1]}"#).utf8))
            close(descriptor)
        }
        #expect(try server.wire("GET", "/healthz").status == 200)
        #expect(try StoredSnapshot.take(server) == before)
    }

    /// A client that leaves mid-training: the model ends wholly trained or untouched, and its
    /// write lock is free again (a later PATCH is answered promptly).
    @Test func anAbandonedTrainingReleasesTheModel() throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        let before = try HostileInputReliabilityTests.prepare(server)
        let untrained = before.models["mlp"]!
        let text = try Wire.exchange(port: server.port, DurabilityTrainingTests.request("mlp"), timeout: 30) { $0.contains("\"step\"") }
        #expect(!text.contains("\"done\""))  // the connection closes here, mid-stream
        let deadline = Date().addingTimeInterval(20)
        var patched: WireResponse?
        while Date() < deadline {
            patched = try server.wire("PATCH", "/v1/models/mlp/parameters/2.bias", #"{"op": "fill", "value": 9}"#, timeout: 20)
            if patched?.status == 200 { break }
        }
        #expect(patched?.status == 200, "the model stays locked after its training client left: \(patched?.text.prefix(300) ?? "")")
        let after = try DurabilityLedger.readState("mlp", from: server)
        #expect(after.version == untrained.version + 1 || after.version == untrained.version + 2, "version \(after.version)")
        if after.version == untrained.version + 1 {
            var expected = untrained.values
            expected["2.bias"] = [9, 9]
            #expect(after.values == expected, "the abandoned training left part of its steps applied")
        }
    }
}
