import Foundation
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// Training's promise: "the final weights are durable before the done line". The server is
/// SIGKILLed the instant a done line arrives, and once mid-stream; after the restart the first
/// model holds exactly what an undisturbed twin trains to, and the second holds either its
/// old weights or the fully trained ones, never a step in between.
@Suite(.serialized)
struct DurabilityTrainingTests {
    static let body = """
        {"inputs": [[1, 2, 3, 4], [0.5, -1, 2, 0], [3, 1, -2, 1], [0, 0, 1, 1]],
         "targets": [[1, 0], [0, 1], [0.5, 0.5], [1, 1]],
         "loss": "mse", "optimizer": {"name": "sgd", "lr": 0.01, "momentum": 0.9},
         "epochs": 300, "batch_size": 1}
        """

    @Test func weightsAcknowledgedByTheDoneLineSurviveSIGKILL() throws {
        try HeavyTestGate.exclusively {
            var server = try ServerProcess()
            let dataDirectory = server.dataDirectory
            defer { server.stop(); try? FileManager.default.removeItem(at: dataDirectory) }
            for name in ["at-done", "midway", "twin"] {
                let created = try server.wire("POST", "/v1/models", ReliabilitySpecs.create(name, seed: 5))
                try #require(created.status == 201, "\(created.text)")
            }
            let untrained = try DurabilityLedger.readState("twin", from: server)

            // Killed mid-stream: after the first progress line, well before the last of 1200 steps.
            let midway = try Wire.exchange(port: server.port, Self.request("midway"), timeout: 30) { $0.contains("\"step\"") }
            kill(server.process.processIdentifier, SIGKILL)
            #expect(!midway.contains("\"done\""), "training finished before the kill; the mid-stream case tested nothing")
            _ = server.stop(signal: SIGKILL)
            server = try ServerProcess(dataDirectory: dataDirectory)
            try #require(server.waitUntilReady(), "not ready after the kill; log:\n\(server.log.suffix(2000))")
            let midwayAfter = try DurabilityLedger.readState("midway", from: server)

            // Killed the instant the done line is in.
            let streamed = try Wire.exchange(port: server.port, Self.request("at-done"), timeout: 60) { text in
                guard let done = text.range(of: "\"done\"") else { return false }
                return text[done.upperBound...].contains("\n")
            }
            kill(server.process.processIdentifier, SIGKILL)
            let version = Self.doneVersion(streamed)
            try #require(version != nil, "no version in the done line: \(streamed.suffix(300))")
            _ = server.stop(signal: SIGKILL)
            server = try ServerProcess(dataDirectory: dataDirectory)
            try #require(server.waitUntilReady(), "not ready after the kill; log:\n\(server.log.suffix(2000))")
            let atDone = try DurabilityLedger.readState("at-done", from: server)

            // The undisturbed twin shows what full training gives.
            let twinTraining = try Wire.request(
                port: server.port, "POST", "/v1/models/twin/train", body: Array(Self.body.utf8), timeout: 60)
            try #require(twinTraining.status == 200 && twinTraining.text.contains("\"done\""), "\(twinTraining.text.suffix(300))")
            let trained = try DurabilityLedger.readState("twin", from: server)
            try #require(trained.values != untrained.values, "training changed nothing; the comparison would be empty")

            #expect(atDone.version == version, "the done line said version \(version ?? -1), the restarted server has \(atDone.version)")
            #expect(atDone.values == trained.values, "the weights acknowledged by the done line were not what survived the kill")
            #expect(
                midwayAfter == untrained || midwayAfter.values == trained.values,
                "a training killed mid-stream left version \(midwayAfter.version) with weights that are neither the old nor the trained ones"
            )
        }
    }

    static func request(_ model: String) -> [UInt8] {
        let body = Array(Self.body.utf8)
        let head =
            "POST /v1/models/\(model)/train HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + "Content-Type: application/json\r\nAccept: application/x-ndjson\r\nContent-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }

    /// The `version` of the done line in a streamed NDJSON body.
    static func doneVersion(_ text: String) -> Int? {
        guard let done = text.range(of: "\"done\"") else { return nil }
        let line = text[done.lowerBound...].prefix { $0 != "\n" }
        guard let range = line.range(of: #""version":\s*\d+"#, options: .regularExpression) else { return nil }
        return Int(line[range].split(separator: ":")[1].trimmingCharacters(in: .whitespaces))
    }
}
