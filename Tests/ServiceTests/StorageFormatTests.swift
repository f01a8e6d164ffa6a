import NeuralNet
import Testing
@testable import Service

/// The data directory's format number: a format 1 directory (one `model.safetensors` per
/// model, what paramd wrote before the commit log) is converted on first start; a newer
/// format is refused with a message that says so.
struct StorageFormatTests {
    @Test func convertsAFormatOneDirectoryOnFirstStart() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        // Format 1, byte for byte: the file its writer (unchanged since) produced, no FORMAT.
        try scratch.write(try sampleModel("a", version: 7).encodedFile(), to: "models/a/model.safetensors")
        try scratch.write(try sampleModel("b", version: 2).encodedFile(), to: "models/b/model.safetensors")
        let store = try FileModelStore(root: scratch.path)
        #expect(try scratch.read("FORMAT") == Array("paramd data directory format 2\n".utf8))
        #expect(scratch.list("models/a") == ["checkpoint.safetensors", "log"])
        #expect(try await store.load("a", tensors: nil) == StoredModel(persisted: sampleModel("a", version: 7)))
        let update = TensorUpdate(whole: StoredTensor(path: "0.bias", shape: [3], values: [4, 5, 6]))
        try await store.apply(.commit(ModelCommit(name: "b", expectedVersion: 2, version: 3, tensors: [update])))
        #expect(try store.directory.load("b").tensors.first { $0.name == "0.bias" }?.values == [4, 5, 6])
    }

    @Test func aConversionCutShortIsFinishedOnTheNextStart() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        // A crash after renaming one model's file, before FORMAT was written.
        try scratch.write(try sampleModel("a").encodedFile(), to: "models/a/checkpoint.safetensors")
        try scratch.write(try sampleModel("b").encodedFile(), to: "models/b/model.safetensors")
        let inventory = try DataDirectory(root: scratch.path).loadAll()
        #expect(inventory.models.map(\.name) == ["a", "b"] && inventory.damaged.isEmpty)
        #expect(scratch.exists("FORMAT"))
    }

    @Test func refusesANewerFormatClearly() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write(Array("paramd data directory format 3\n".utf8), to: "FORMAT")
        #expect(throws: StorageError.newerFormat(path: scratch.path, found: 3, supported: 2)) {
            try DataDirectory(root: scratch.path)
        }
        let message = "\(StorageError.newerFormat(path: scratch.path, found: 3, supported: 2))"
        #expect(message.contains("newer paramd"))
        #expect(try scratch.read("FORMAT") == Array("paramd data directory format 3\n".utf8), "refused, not rewritten")
    }

    @Test func refusesAFormatFileItDidNotWrite() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write(Array("something else\n".utf8), to: "FORMAT")
        #expect(throws: StorageError.unreadableFormat(path: scratch.path + "/FORMAT")) { try DataDirectory(root: scratch.path) }
    }
}
