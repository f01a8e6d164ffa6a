import Foundation
import Testing

/// The server killed (SIGKILL, by itself: `PARAMD_CRASH_AT`) at each named instant of the
/// durability protocol — a log record written but not fsynced, fsynced but not acknowledged,
/// a checkpoint's temporary file synced but not renamed, renamed but its folder not synced, a
/// cut log written, renamed — with a checkpoint after every commit so each point is reached
/// often. After a restart every acknowledged write is there, the write in flight is there
/// wholly or not at all, and the model reads.
@Suite(.serialized)
struct DurabilityCrashPointTests {
    /// Each point with the time it is armed for: late enough that writes were acknowledged.
    static let points: [(String, Int)] = [
        ("append-written", 7), ("append-synced", 7), ("temporary-synced", 6), ("renamed", 6),
        ("log-cut-written", 4), ("log-cut-renamed", 4)
    ]

    @Test(arguments: points.map(\.0))
    func aCrashAtThisPointLosesNoAcknowledgedWrite(point: String) throws {
        let time = Self.points.first { $0.0 == point }!.1
        var server = try ServerProcess(
            arguments: ["--checkpoint-log-percent", "0", "--checkpoint-min-log-bytes", "0"],
            environment: ["PARAMD_CRASH_AT": "\(point):\(time)"])
        let dataDirectory = server.dataDirectory
        defer { server.stop(); try? FileManager.default.removeItem(at: dataDirectory) }
        let created = try server.wire("POST", "/v1/models", ReliabilitySpecs.create("m"))
        try #require(created.status == 201, "\(created.text)")
        var acknowledged = try DurabilityLedger.readState("m", from: server)
        var pending: DurabilityLedger.ModelState?
        var crashed = false
        for step in 1...200 {
            var next = acknowledged
            next.version += 1
            let method: String
            let target: String
            let body: String
            if step % 2 == 0 {
                // One element: a record of one float.
                method = "PATCH"
                target = "/v1/models/m/parameters/0.weight"
                body = #"{"op": "set", "index": [1, 2], "value": \#(step)}"#
                next.values["0.weight"]![1 * 4 + 2] = Double(step)
            } else {
                method = "PUT"
                target = "/v1/models/m/parameters/0.bias"
                body = #"{"value": \#(TensorJSON.constant([8], Double(step)))}"#
                next.values["0.bias"] = Array(repeating: Double(step), count: 8)
            }
            let response: WireResponse
            do {
                response = try server.wire(method, target, body, timeout: 20)
            } catch {
                pending = next
                crashed = true
                break
            }
            try #require(response.status == 200, "\(method) \(target): \(response.status) \(response.text.prefix(300))")
            acknowledged = next
        }
        #expect(crashed, "the server never reached \(point) \(time) times")
        _ = server.stop(signal: SIGKILL)
        server = try ServerProcess(dataDirectory: dataDirectory)
        try #require(server.waitUntilReady(), "not ready after the crash at \(point); log:\n\(server.log.suffix(2000))")
        let after = try DurabilityLedger.readState("m", from: server)
        #expect(
            after == acknowledged || after == pending,
            "after a crash at \(point): version \(after.version), acknowledged \(acknowledged.version)")
        #expect(try DurabilityLedger.listedNames(server) == ["m"])
        // And the log goes on from there.
        let write = try server.wire("PATCH", "/v1/models/m/parameters/0.bias", #"{"op": "fill", "value": -1}"#)
        #expect(write.status == 200 && write.etagVersion == after.version + 1)
    }

    @Test func aDataDirectoryOfANewerFormatIsRefusedAtStart() throws {
        let directory = ServerProcess.temporaryDataDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("paramd data directory format 99\n".utf8).write(to: directory.appendingPathComponent("FORMAT"))
        do {
            _ = try ServerProcess(dataDirectory: directory)
            Issue.record("paramd started on a directory of format 99")
        } catch {
            #expect("\(error)".contains("has format 99, written by a newer paramd"), "\(error)")
        }
    }
}
