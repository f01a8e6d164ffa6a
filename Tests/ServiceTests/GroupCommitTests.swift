import HTTP
import JSON
import Testing
import TestSupport
@testable import Service

/// Writes that queue behind a save share the next one, each still acknowledged only once saved.
struct GroupCommitTests {
    static let spec = #"{"name": "m", "spec": {"type": "linear", "in": 4, "out": 4}}"#

    @Test func concurrentWritesShareSavesAndEachGetsItsOwnVersion() async throws {
        let harness = await ServiceHarness()
        #expect(try await harness.send(.post, "/v1/models", json: Self.spec).status == 201)
        _ = try await harness.send(.patch, "/v1/models/m/parameters/weight", json: #"{"op": "fill", "value": 0}"#)
        let savesBefore = harness.store.saveCount
        harness.store.delaySaves(by: .milliseconds(30))
        let writers = 16
        let versions = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<writers {
                group.addTask {
                    let response = try await harness.send(.patch, "/v1/models/m/parameters/weight", json: #"{"op": "add", "value": 1}"#)
                    return response.status == 200 ? response.headers["ETag"] : nil
                }
            }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        // Every write is kept, in some order, each at its own version.
        #expect(Set(versions.compactMap { $0 }) == Set((3...(2 + writers)).map { "\"\($0)\"" }))
        let stored = try JSONValue(parsing: try await harness.send(.get, "/v1/models/m/parameters/weight").body)
        guard case .object(let members) = stored, case .array(let rows)? = members["value"], case .array(let row)? = rows.first,
            case .number(let first)? = row.first
        else {
            Issue.record("unexpected body \(stored)")
            return
        }
        #expect(first == Double(writers))
        // Fewer saves than writes: the writes that queued behind a save shared the next one.
        let saves = harness.store.saveCount - savesBefore
        #expect(saves < writers)
        #expect(saves >= 1)
        // What is stored is the last state, with every write in it.
        #expect(harness.store.stored("m")?.version == 2 + writers)
    }

    @Test func aStaleIfMatchInABatchFailsAloneAndTheOthersCommit() async throws {
        let harness = await ServiceHarness()
        #expect(try await harness.send(.post, "/v1/models", json: Self.spec).status == 201)
        harness.store.holdSaves()
        async let first = harness.send(.patch, "/v1/models/m/parameters/weight", json: #"{"op": "fill", "value": 1}"#)
        try await waitHoldingSaves(harness) { harness.store.heldSaveCount == 1 }  // the first is applied and saving
        // Both queue behind the first save; version 1 is stale by the time they apply.
        async let stale = harness.send(
            .patch, "/v1/models/m/parameters/weight", json: #"{"op": "fill", "value": 2}"#, headers: ["If-Match": "\"1\""])
        async let fresh = harness.send(.patch, "/v1/models/m/parameters/weight", json: #"{"op": "add", "value": 10}"#)
        try await waitHoldingSaves(harness) { await harness.queuedWrites("m") == 2 }
        harness.store.releaseSaves()
        #expect(try await first.status == 200)
        #expect(try await stale.status == 412)
        #expect(try await fresh.status == 200)
        #expect(harness.store.stored("m")?.version == 3)
    }

    @Test func aFailedSaveFailsTheWholeBatchAndChangesNothing() async throws {
        let harness = await ServiceHarness()
        #expect(try await harness.send(.post, "/v1/models", json: Self.spec).status == 201)
        harness.store.delaySaves(by: .milliseconds(30))
        harness.store.failNextWrites(1)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await harness.send(.patch, "/v1/models/m/parameters/weight", json: #"{"op": "fill", "value": 7}"#).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        // The failed save answers 507 to every write it held; later batches save normally.
        #expect(statuses.contains(507))
        #expect(statuses.allSatisfy { $0 == 200 || $0 == 507 })
        let version = try await harness.send(.get, "/v1/models/m").headers["ETag"]
        #expect(version == "\"\(1 + statuses.filter { $0 == 200 }.count)\"")
    }

    @Test func aWriteQueuedBehindADeleteIs404AndStoresNothing() async throws {
        let harness = await ServiceHarness()
        #expect(try await harness.send(.post, "/v1/models", json: Self.spec).status == 201)
        harness.store.holdSaves()
        async let first = harness.send(.patch, "/v1/models/m/parameters/weight", json: #"{"op": "fill", "value": 1}"#)
        try await waitHoldingSaves(harness) { harness.store.heldSaveCount == 1 }  // the first is saving
        async let deleted = harness.send(.delete, "/v1/models/m")
        try await waitHoldingSaves(harness) { await harness.queuedWrites("m") == 1 }  // the delete waits for that save
        async let late = harness.send(.patch, "/v1/models/m/parameters/weight", json: #"{"op": "fill", "value": 2}"#)
        try await waitHoldingSaves(harness) { await harness.queuedWrites("m") == 2 }  // the late write queues behind both
        harness.store.releaseSaves()
        #expect(try await first.status == 200)
        #expect(try await deleted.status == 204)
        #expect(try await late.status == 404)
        #expect(harness.store.stored("m") == nil)
    }

    /// Waits for `condition` while the store holds saves; if it never holds, lets the saves go
    /// before failing, so the requests awaiting them end and the test fails instead of hanging.
    private func waitHoldingSaves(_ harness: ServiceHarness, _ condition: () async throws -> Bool) async throws {
        do {
            try await waitUntil(condition)
        } catch {
            harness.store.releaseSaves()
            throw error
        }
    }
}
