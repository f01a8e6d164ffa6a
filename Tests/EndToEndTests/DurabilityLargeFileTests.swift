import Foundation
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// SIGKILL in the middle of writing a 1 MiB model file. With files this size a kill usually
/// lands while one is being written, so a write that is not atomic (no temporary file and
/// rename) would leave a torn file: the model would come back damaged or with mixed values.
@Suite(.serialized)
struct DurabilityLargeFileTests {
    static let rounds = 5
    static let side = 512

    @Test func aKillDuringALargeWriteLeavesTheOldOrTheNewFileWhole() throws {
        try HeavyTestGate.exclusively {
            let seed = SeededGenerator.runSeed()
            print("DurabilityLargeFileTests seed: \(seed)")
            var random = SeededGenerator(seed: seed)
            var server = try ServerProcess()
            let dataDirectory = server.dataDirectory
            defer { server.stop(); try? FileManager.default.removeItem(at: dataDirectory) }
            let spec = #"{"type": "sequential", "layers": [{"type": "linear", "in": \#(Self.side), "out": \#(Self.side)}]}"#
            let created = try server.wire("POST", "/v1/models", ReliabilitySpecs.create("big", spec: spec))
            try #require(created.status == 201, "\(created.text)")
            // A constant start, so every state the file may hold is a constant tensor.
            let start = try server.wire("POST", "/v1/models/big/initialize", #"{"init": {"name": "constant", "value": 1}}"#)
            try #require(start.status == 200, "\(start.text)")
            var current = try Self.read(server)

            for round in 0..<Self.rounds {
                let killAfter = Double.random(in: 0.1...0.6, using: &random)
                let target = server
                let outcomes = ClientThreads.run(3) { writer -> (acknowledged: [(version: Int, value: Float)], pending: Float?) in
                    if writer == 2 {
                        Thread.sleep(forTimeInterval: killAfter)
                        kill(target.process.processIdentifier, SIGKILL)
                        return ([], nil)
                    }
                    var acknowledged: [(version: Int, value: Float)] = []
                    for sequence in 1...500 {
                        let value = Float((writer + 1) * 100_000 + round * 1000 + sequence)
                        do {
                            // Every write rewrites the whole 1 MiB file; initialize answers in a few bytes
                            // (a PUT would echo 262 144 values as JSON, seconds in a debug build).
                            let response = try target.wire(
                                "POST", "/v1/models/big/initialize", #"{"init": {"name": "constant", "value": \#(Int(value))}}"#,
                                timeout: 20)
                            guard response.status == 200, let version = response.object["version"] as? Int else {
                                return (acknowledged, nil)
                            }
                            acknowledged.append((version, value))
                        } catch {
                            return (acknowledged, value)
                        }
                    }
                    return (acknowledged, nil)
                }
                _ = server.stop(signal: SIGKILL)
                server = try ServerProcess(dataDirectory: dataDirectory)
                try #require(server.waitUntilReady(), "seed \(seed): not ready after round \(round); log:\n\(server.log.suffix(2000))")

                let acknowledged = outcomes.flatMap(\.acknowledged)
                let latest = acknowledged.max { $0.version < $1.version }
                let pending = outcomes.compactMap(\.pending)
                let stored: (version: Int, values: [Float])
                do {
                    stored = try Self.read(server)
                } catch {
                    Issue.record("seed \(seed), round \(round): the model does not read after the kill: \(error)")
                    return
                }
                let floor = latest?.version ?? current.version
                let distinct = Set(stored.values)
                #expect(distinct.count == 1, "seed \(seed), round \(round): the stored weight is torn: \(distinct.sorted().prefix(4))")
                #expect(stored.version >= floor, "seed \(seed), round \(round): version \(stored.version) < acknowledged \(floor)")
                if let value = distinct.first, distinct.count == 1 {
                    let expected = latest.map { [$0.value] } ?? [current.values[0]]
                    let isPending = stored.version > floor && pending.contains(value)
                    #expect(
                        expected.contains(value) || isPending,
                        "seed \(seed), round \(round): holds \(value), acknowledged \(expected) at \(floor), pending \(pending)")
                }
                print(
                    "large-file round \(round): SIGKILL after \(String(format: "%.2f", killAfter)) s, \(acknowledged.count) acknowledged, \(pending.count) in flight"
                )
                current = stored
            }
        }
    }

    /// The version and weight, read raw (JSON of 262 144 floats is slow in a debug build).
    static func read(_ server: ServerProcess) throws -> (version: Int, values: [Float]) {
        let response = try Wire.request(
            port: server.port, "GET", "/v1/models/big/parameters/0.weight", headers: [("Accept", "application/octet-stream")])
        guard response.status == 200, let version = response.etagVersion else {
            throw DurabilityLedger.LedgerError.unreadable("big", status: response.status, body: response.text)
        }
        return (version, TensorJSON.floats(response.body))
    }
}
