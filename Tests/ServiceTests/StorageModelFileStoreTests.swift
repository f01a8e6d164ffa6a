import Testing
@testable import Service

/// The async store: the same operations, run off the cooperative pool.
struct StorageModelFileStoreTests {
    @Test func runsDiskWorkOnItsOwnQueue() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let store = try ModelFileStore(root: scratch.path)
        #expect(!ModelFileStore.isOnStorageQueue())
        let onQueue = try await store.run { () throws(StorageError) in ModelFileStore.isOnStorageQueue() }
        #expect(onQueue)
    }

    @Test func savesLoadsAndDeletesConcurrently() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let store = try ModelFileStore(root: scratch.path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask { try await store.save(sampleModel("m\(index)", version: index)) }
            }
            try await group.waitForAll()
        }
        #expect(try await store.load("m3") == sampleModel("m3", version: 3))
        try await store.delete("m0")
        let inventory = try await store.loadAll()
        #expect(inventory.models.map(\.name) == (1..<8).map { "m\($0)" })
        await #expect(throws: StorageError.modelNotFound("m0")) { try await store.load("m0") }
    }
}
