import NeuralNet
import Testing
@testable import Service

/// Startup after crashes and damage: every acknowledged model loads, leftovers of interrupted
/// writes are cleared, damaged models are reported and kept, and nothing stops the load.
struct StorageRecoveryTests {
    @Test func ignoresATemporaryFileLeftByACrashBeforeTheRename() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let model = sampleModel(version: 4)
        try DataDirectory(root: scratch.path).save(model)
        // A crash after writing the next version's temporary file but before its rename.
        try scratch.write(Array(try sampleModel(version: 5).encodedFile().prefix(50)), to: "models/mlp/.tmp-model.safetensors-1-x")
        let inventory = try DataDirectory(root: scratch.path).loadAll()
        #expect(inventory.models == [model])
        #expect(inventory.removedLeftovers == [scratch.path + "/models/mlp/.tmp-model.safetensors-1-x"])
        #expect(scratch.list("models/mlp") == ["checkpoint.safetensors", "log"])
        #expect(inventory.damaged.isEmpty)
    }

    @Test func removesTheFolderOfACreateThatNeverCompleted() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        _ = try DataDirectory(root: scratch.path)
        try scratch.write([1, 2, 3], to: "models/new/.tmp-model.safetensors-9-y")
        let inventory = try DataDirectory(root: scratch.path).loadAll()
        #expect(inventory.models.isEmpty && inventory.damaged.isEmpty)
        #expect(inventory.removedLeftovers.contains(scratch.path + "/models/new"))
        #expect(!scratch.exists("models/new"))
    }

    @Test func finishesADeleteInterruptedAfterItsRename() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        _ = try DataDirectory(root: scratch.path)
        try scratch.write(try sampleModel("gone").encodedFile(), to: "trash/gone.abc/checkpoint.safetensors")
        let inventory = try DataDirectory(root: scratch.path).loadAll()
        #expect(inventory.models.isEmpty)
        #expect(inventory.removedLeftovers == [scratch.path + "/trash/gone.abc"])
        #expect(scratch.list("trash").isEmpty)
    }

    @Test func reportsAGarbledModelAndStillLoadsTheOthers() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let directory = try DataDirectory(root: scratch.path)
        try directory.save(sampleModel("good"))
        try directory.save(sampleModel("bad"))
        var bytes = try scratch.read("models/bad/checkpoint.safetensors")
        bytes[bytes.count - 3] ^= 0x40  // a bit flip in the tensor data: still valid safetensors
        try scratch.write(bytes, to: "models/bad/checkpoint.safetensors")
        let inventory = try directory.loadAll()
        #expect(inventory.models.map(\.name) == ["good"])
        #expect(inventory.damaged.count == 1)
        #expect(inventory.damaged.first?.name == "bad")
        guard case .checksumMismatch? = inventory.damaged.first?.damage else {
            Issue.record("expected a checksum mismatch, got \(String(describing: inventory.damaged.first))")
            return
        }
        #expect(scratch.exists("models/bad/checkpoint.safetensors"), "a damaged file is kept for inspection")
    }

    @Test func detectsEveryTruncation() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let directory = try DataDirectory(root: scratch.path)
        try directory.save(sampleModel())
        let bytes = try scratch.read("models/mlp/checkpoint.safetensors")
        for length in stride(from: 0, to: bytes.count, by: 7) {
            try scratch.write(Array(bytes[..<length]), to: "models/mlp/checkpoint.safetensors")
            #expect(throws: StorageError.self, "length \(length)") { try directory.load("mlp") }
            #expect(try directory.loadAll().damaged.map(\.name) == ["mlp"])
        }
    }

    @Test func detectsEverySingleByteChange() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let directory = try DataDirectory(root: scratch.path)
        try directory.save(sampleModel())
        let bytes = try scratch.read("models/mlp/checkpoint.safetensors")
        for index in stride(from: 0, to: bytes.count, by: 5) {
            var garbled = bytes
            garbled[index] ^= 0x01
            try scratch.write(garbled, to: "models/mlp/checkpoint.safetensors")
            #expect(throws: StorageError.self, "byte \(index)") { try directory.load("mlp") }
        }
    }

    @Test func reportsAFolderRenamedByHand() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write(try sampleModel("original").encodedFile(), to: "models/copy/checkpoint.safetensors")
        let inventory = try DataDirectory(root: scratch.path).loadAll()
        #expect(inventory.damaged.first?.name == "copy")
        #expect(inventory.damaged.first?.damage == .nameMismatch(stored: "original"))
    }

    @Test func reportsAFolderWhoseModelFileIsMissing() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write([1], to: "models/lost/notes.txt")
        let inventory = try DataDirectory(root: scratch.path).loadAll()
        #expect(inventory.damaged.first?.name == "lost")
        #expect(inventory.damaged.first?.damage == .missingFile)
    }

    @Test func reportsAnEmptyModelFile() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write([], to: "models/empty/checkpoint.safetensors")
        let inventory = try DataDirectory(root: scratch.path).loadAll()
        #expect(inventory.damaged.first?.damage == .notSafeTensors(.missingHeaderLength(fileSize: 0)))
    }

    @Test func ignoresEntriesThatAreNotModelFolders() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write([1], to: "models/.hidden/checkpoint.safetensors")
        try scratch.write([1], to: "models/stray-file")
        try scratch.write(try sampleModel("ok").encodedFile(), to: "models/ok/checkpoint.safetensors")
        let inventory = try DataDirectory(root: scratch.path).loadAll()
        #expect(inventory.models.map(\.name) == ["ok"])
        #expect(inventory.ignoredEntries == [scratch.path + "/models/.hidden", scratch.path + "/models/stray-file"])
        #expect(inventory.damaged.isEmpty)
    }
}
