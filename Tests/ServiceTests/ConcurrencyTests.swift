import HTTP
import JSON
import Testing
@testable import Service

/// Readers never see a half-written tensor, writes to one model never block another model's
/// forward passes, and concurrent writes to one model are all kept (serialized, none lost).
struct ConcurrencyTests {
    @Test func readersSeeWholeTensorsWhileWritersFill() async throws {
        let harness = await ServiceHarness()
        let created = try await harness.send(.post, "/v1/models", json: #"{"name": "wide", "spec": {"type": "linear", "in": 16, "out": 16}}"#)
        #expect(created.status == 201)
        let torn = await withTaskGroup(of: Int.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for round in 0..<25 {
                        let value = writer * 100 + round
                        _ = try? await harness.send(
                            .patch, "/v1/models/wide/parameters/weight", json: #"{"op": "fill", "value": \#(value)}"#)
                    }
                    return 0
                }
            }
            for _ in 0..<4 {
                group.addTask {
                    var torn = 0
                    for _ in 0..<25 {
                        guard let response = try? await harness.send(
                            .get, "/v1/models/wide/parameters/weight", headers: ["Accept": "application/octet-stream"])
                        else { continue }
                        let floats = response.body.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
                        if let first = floats.first, floats.contains(where: { $0 != first }) && response.headers["ETag"] != "\"1\"" {
                            torn += 1
                        }
                    }
                    return torn
                }
            }
            return await group.reduce(0, +)
        }
        #expect(torn == 0)
        let final = try await harness.send(.get, "/v1/models/wide")
        #expect(final.headers["ETag"] == "\"101\"")  // 1 + 100 writes, none lost
    }

    @Test func forwardsFlowWhileAnotherModelIsWritten() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP("served")
        let busyCreated = try await harness.send(.post, "/v1/models", json: #"{"name": "busy", "spec": {"type": "linear", "in": 16, "out": 16}}"#)
        #expect(busyCreated.status == 201)
        let results = await withTaskGroup(of: (forwards: Int, failures: Int).self) { group in
            group.addTask {
                for _ in 0..<40 {
                    _ = try? await harness.send(.patch, "/v1/models/busy/parameters/weight", json: #"{"op": "add", "value": 1}"#)
                }
                return (0, 0)
            }
            for _ in 0..<3 {
                group.addTask {
                    var forwards = 0
                    var failures = 0
                    for _ in 0..<40 {
                        let response = try? await harness.send(.post, "/v1/models/served/forward", json: #"{"inputs": [[1, 2, 3, 4]]}"#)
                        if response?.status == 200 { forwards += 1 } else { failures += 1 }
                    }
                    return (forwards, failures)
                }
            }
            var total = (forwards: 0, failures: 0)
            for await result in group {
                total.forwards += result.forwards
                total.failures += result.failures
            }
            return total
        }
        #expect(results.forwards == 120)
        #expect(results.failures == 0)
        let busy = try await harness.send(.get, "/v1/models/busy")
        #expect(busy.headers["ETag"] == "\"41\"")
    }

    @Test func concurrentCreatesOfOneNameYieldOneModel() async throws {
        let harness = await ServiceHarness()
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask { (try? await harness.createMLP("same"))?.status ?? 0 }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 201 }.count == 1)
        #expect(statuses.filter { $0 == 409 }.count == 7)
    }
}
