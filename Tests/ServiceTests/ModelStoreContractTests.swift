import Foundation
import JSON
import Postgres
import Testing
@testable import Service

/// The ``ModelStore`` contract, one body run against every backend: the in-memory store, the
/// file store, and PostgreSQL when `PARAMD_TEST_POSTGRES_URL` names a server (the pytest suite
/// Tests/python/test_replicas.py starts one and runs these, so CI runs them for real).
enum ModelStoreContract {
    static let document: JSONValue = .object(["spec": .object(["type": .string("sequential")]), "seed": .number(0)])

    static func model(_ name: String) -> StoredModel {
        StoredModel(
            name: name, version: 1, document: document,
            tensors: [
                StoredTensor(path: "0.weight", shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
                StoredTensor(path: "block 0.bias", shape: [2], values: [-0.0, .infinity])
            ])
    }

    static func run(_ store: any ModelStore) async throws {
        let name = "contract-\(UInt32.random(in: 0...UInt32.max))"
        try await store.apply(.create(model(name)))
        #expect(try await store.load(name, tensors: nil) == model(name))
        await #expect(throws: ModelStoreError.alreadyExists(model: name)) { try await store.apply(.create(model(name))) }

        // A run of elements, a whole tensor and a new one, in one commit.
        let weights: [Float] = [1, 2, 30, 40, 5, 6]
        try await store.apply(
            .commit(
                ModelCommit(
                    name: name, expectedVersion: 1, version: 3,
                    tensors: [
                        TensorUpdate(path: "0.weight", shape: [2, 3], values: weights, range: 2..<4),
                        TensorUpdate(whole: StoredTensor(path: "block 0.bias", shape: [2], values: [7, 8])),
                        TensorUpdate(whole: StoredTensor(path: "2.weight", shape: [1], values: [9]))
                    ])))
        let loaded = try await store.load(name, tensors: nil)
        #expect(loaded.version == 3)
        #expect(loaded.tensors.map(\.path) == ["0.weight", "block 0.bias", "2.weight"])
        #expect(loaded.tensors[0].values == weights)
        #expect(loaded.tensors[1].values == [7, 8])
        #expect(try await store.load(name, tensors: ["2.weight", "nothing"]).tensors.map(\.path) == ["2.weight"])

        // Compare-and-set: a stale expected version changes nothing.
        await #expect(throws: ModelStoreError.versionConflict(model: name, expected: 1, found: 3)) {
            try await store.apply(
                .commit(ModelCommit(name: name, expectedVersion: 1, version: 2, document: .object([:]), tensors: [])))
        }
        #expect(try await store.load(name, tensors: nil) == loaded)

        // The document alone.
        let newDocument: JSONValue = .object(["spec": .object(["type": .string("sequential")]), "input_shape": .array([.number(3)])])
        try await store.apply(.commit(ModelCommit(name: name, expectedVersion: 3, version: 4, document: newDocument, tensors: [])))
        #expect(try await store.load(name, tensors: []).document == newDocument)

        #expect(try await store.list().models.contains(StoredModelSummary(name: name, version: 4)))
        await #expect(throws: ModelStoreError.versionConflict(model: name, expected: 3, found: 4)) {
            try await store.apply(.delete(name: name, expectedVersion: 3))
        }
        try await store.apply(.delete(name: name, expectedVersion: 4))
        await #expect(throws: ModelStoreError.notFound(model: name)) { try await store.load(name, tensors: nil) }
        await #expect(throws: ModelStoreError.notFound(model: name)) {
            try await store.apply(.commit(ModelCommit(name: name, expectedVersion: 4, version: 5, tensors: [])))
        }
        #expect(try await !store.list().models.map(\.name).contains(name))
    }
}

struct MemoryStoreContractTests {
    @Test func keepsTheStoreContract() async throws {
        try await ModelStoreContract.run(MemoryModelStore())
    }
}

struct FileStoreContractTests {
    @Test func keepsTheStoreContract() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("paramd-contract-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try await ModelStoreContract.run(try FileModelStore(root: root))
    }
}

let postgresTestURL = ProcessInfo.processInfo.environment["PARAMD_TEST_POSTGRES_URL"].flatMap(PostgresURL.init)

@Suite(.enabled(if: postgresTestURL != nil, "set PARAMD_TEST_POSTGRES_URL to run against PostgreSQL"))
struct PostgresStoreTests {
    @Test func keepsTheStoreContract() async throws {
        try await ModelStoreContract.run(PostgresModelStore(url: postgresTestURL!, password: nil))
    }

    @Test func migratingFromManyReplicasAtOnceAppliesEachMigrationOnce() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { _ = try await PostgresModelStore(url: postgresTestURL!, password: nil, connections: 1).list() }
            }
            try await group.waitForAll()
        }
        let count = try await PostgresSession(url: postgresTestURL!, password: nil).run {
            try $0.execute("SELECT count(*)::int8 FROM paramd_migrations").int64(0, 0)
        }
        #expect(count == Int64(PostgresSchema.migrations.count))
    }

    @Test func aReplicaFetchesOnlyTheTensorsWrittenSinceItsVersion() async throws {
        let writer = PostgresModelStore(url: postgresTestURL!, password: nil)
        let reader = PostgresModelStore(url: postgresTestURL!, password: nil)
        let name = "changes-\(UInt32.random(in: 0...UInt32.max))"
        try await writer.apply(.create(ModelStoreContract.model(name)))
        _ = try await reader.load(name, tensors: nil)
        try await writer.apply(
            .commit(
                ModelCommit(
                    name: name, expectedVersion: 1, version: 2,
                    tensors: [TensorUpdate(path: "0.weight", shape: [2, 3], values: [1, 2, 3, 4, 5, 60], range: 5..<6)])))
        guard case .changed(let changes) = try await reader.changes(of: name, after: 1) else {
            Issue.record("expected only the changes")
            return
        }
        #expect(changes.version == 2)
        #expect(changes.tensors.map(\.path) == ["0.weight"])
        #expect(changes.tensors[0].values == [1, 2, 3, 4, 5, 60])
        guard case .upToDate = try await reader.changes(of: name, after: 2) else {
            Issue.record("expected up to date")
            return
        }
        // Deleted and created again under the same name: the reader gets all of it.
        try await writer.apply(.delete(name: name, expectedVersion: 2))
        try await writer.apply(.create(ModelStoreContract.model(name)))
        guard case .whole(let model) = try await reader.changes(of: name, after: 2) else {
            Issue.record("expected the whole new model")
            return
        }
        #expect(model == ModelStoreContract.model(name))
        try await writer.apply(.delete(name: name, expectedVersion: 1))
        guard case .gone = try await reader.changes(of: name, after: 1) else {
            Issue.record("expected gone")
            return
        }
    }
}

/// What the PostgreSQL store decides without a server.
struct PostgresStoreOfflineTests {
    @Test func refusesATensorOverOneGigabyteBeforeSendingIt() async throws {
        let store = PostgresModelStore(url: PostgresURL("postgresql://nobody@127.0.0.1:1/none")!, password: nil)
        let huge = TensorUpdate(path: "0.weight", shape: [1 << 28], values: [0], range: 0..<1)
        await #expect(throws: ModelStoreError.self) {
            try await store.apply(.commit(ModelCommit(name: "m", expectedVersion: 1, version: 2, tensors: [huge])))
        }
        do {
            try await store.apply(.commit(ModelCommit(name: "m", expectedVersion: 1, version: 2, tensors: [huge])))
        } catch {
            guard case .full(let reason) = error else {
                Issue.record("expected .full, got \(error)")
                return
            }
            #expect(reason.contains("1 GB"))
        }
    }

    @Test func anUnreachableServerIsUnavailableNotAFailure() async throws {
        let store = PostgresModelStore(url: PostgresURL("postgresql://nobody:hunter2@127.0.0.1:1/none")!, password: nil)
        do {
            _ = try await store.list()
            Issue.record("listing an unreachable server succeeded")
        } catch {
            guard case .unavailable(let reason) = error else {
                Issue.record("expected .unavailable, got \(error)")
                return
            }
            #expect(!reason.contains("hunter2"))
            #expect(store.health.degradedReason != nil)
        }
    }
}
