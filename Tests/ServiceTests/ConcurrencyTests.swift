import HTTP
import JSON
import Testing
import TestSupport
@testable import Service

/// Readers never see a half-written tensor, writes to one model never block another model's
/// forward passes, and concurrent writes to one model are all kept (serialized, none lost).
struct ConcurrencyTests {
    @Test func readersSeeWholeTensorsWhileWritersFill() async throws {
        let harness = await ServiceHarness()
        let created = try await harness.send(
            .post, "/v1/models", json: #"{"name": "wide", "spec": {"type": "linear", "in": 16, "out": 16}}"#)
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
                        guard
                            let response = try? await harness.send(
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

    /// While a write to one model is held in the middle of its save, forwards on another model
    /// and reads of the written model's current version all complete: none of them waits for
    /// the save. (Blocked, they would never finish, and the time limit fails the test.)
    @Test(.timeLimit(.minutes(1)))
    func forwardsAndReadsDoNotWaitForAHeldSave() async throws {
        let held = HeldStore()
        let harness = await ServiceHarness(held: held)
        try await harness.createMLP("served")
        let busyCreated = try await harness.send(
            .post, "/v1/models", json: #"{"name": "busy", "spec": {"type": "linear", "in": 16, "out": 16}}"#)
        #expect(busyCreated.status == 201)
        held.hold("busy")
        let write = Task { try await harness.send(.patch, "/v1/models/busy/parameters/weight", json: #"{"op": "add", "value": 1}"#) }
        await held.saving.wait()
        for _ in 0..<40 {
            let response = try await harness.send(.post, "/v1/models/served/forward", json: #"{"inputs": [[1, 2, 3, 4]]}"#)
            #expect(response.status == 200)
        }
        let during = try await harness.send(.get, "/v1/models/busy")
        #expect(during.headers["ETag"] == "\"1\"", "the write is not published before its save")
        held.release()
        #expect(try await write.value.status == 200)
        #expect(try await harness.send(.get, "/v1/models/busy").headers["ETag"] == "\"2\"")
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

/// A store whose saves of one chosen model stop at a gate, until released.
final class HeldStore: Sendable {
    private let heldName = Locked<String?>(nil)
    private let gate = Gate()
    /// Opened when a held save has started.
    let saving = Gate()

    func hold(_ name: String) { heldName.withLock { $0 = name } }
    func release() { gate.open() }

    func wrapping(_ store: MemoryModelStore) -> any ModelStore { Wrapped(store: store, owner: self) }

    private struct Wrapped: ModelStore {
        let store: MemoryModelStore
        let owner: HeldStore

        func list() async throws(ModelStoreError) -> StoreListing { try await store.list() }

        func load(_ name: String, tensors: Set<String>?) async throws(ModelStoreError) -> StoredModel {
            try await store.load(name, tensors: tensors)
        }

        func apply(_ change: ModelChange) async throws(ModelStoreError) {
            if case .delete = change {
            } else if owner.heldName.withLock({ $0 }) == change.modelName {
                owner.saving.open()
                await owner.gate.wait()
            }
            try await store.apply(change)
        }
    }
}
