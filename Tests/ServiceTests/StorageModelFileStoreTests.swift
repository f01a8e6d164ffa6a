import JSON
import NeuralNet
import Testing
@testable import Service

/// The file store through the store protocol: creates, commits (compare-and-set), deletes,
/// concurrently for different models, and what a reopened directory holds.
struct StorageModelFileStoreTests {
    @Test func createsCommitsAndDeletesConcurrently() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let store = try FileModelStore(root: scratch.path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask { try await store.apply(.create(StoredModel(persisted: sampleModel("m\(index)", version: 1)))) }
            }
            try await group.waitForAll()
        }
        let weight = try #require(try await store.load("m3", tensors: ["0.weight"]).tensors.first)
        var values = weight.values
        values[4] = 40
        let update = TensorUpdate(path: "0.weight", shape: weight.shape, values: values, range: 4..<5)
        try await store.apply(.commit(ModelCommit(name: "m3", expectedVersion: 1, version: 2, tensors: [update])))
        await #expect(throws: ModelStoreError.versionConflict(model: "m3", expected: 1, found: 2)) {
            try await store.apply(.commit(ModelCommit(name: "m3", expectedVersion: 1, version: 2, tensors: [update])))
        }
        try await store.apply(.delete(name: "m0", expectedVersion: 1))
        await #expect(throws: ModelStoreError.notFound(model: "m0")) { try await store.load("m0", tensors: nil) }
        await #expect(throws: ModelStoreError.alreadyExists(model: "m1")) {
            try await store.apply(.create(StoredModel(persisted: sampleModel("m1"))))
        }
        let listing = try await store.list()
        #expect(listing.models.map(\.name) == (1..<8).map { "m\($0)" })

        let loaded = try store.directory.load("m3")
        #expect(loaded.version == 2)
        #expect(loaded.tensors.first { $0.name == "0.weight" }?.values == values)
    }
}
