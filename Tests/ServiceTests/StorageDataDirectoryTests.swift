import NeuralNet
import Testing
@testable import Service

/// Saving, loading, replacing and deleting models, and the name rule.
struct StorageDataDirectoryTests {
    @Test func roundTripsAModel() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let directory = try DataDirectory(root: scratch.path)
        let model = sampleModel()
        try directory.save(model)
        #expect(try directory.load("mlp") == model)
        #expect(scratch.list("models/mlp") == ["checkpoint.safetensors", "log"])
        #expect(try directory.names() == ["mlp"])
    }

    @Test func replacesTheWholeStateOfAModel() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let directory = try DataDirectory(root: scratch.path)
        try directory.save(sampleModel(version: 1))
        let next = sampleModel(version: 2, scale: -3)
        try directory.save(next)
        #expect(try directory.load("mlp") == next)
        #expect(scratch.list("models/mlp") == ["checkpoint.safetensors", "log"])
    }

    @Test func deletesDurablyAndForgetsTheModel() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let directory = try DataDirectory(root: scratch.path)
        try directory.save(sampleModel("a"))
        try directory.save(sampleModel("b"))
        try directory.delete("a")
        #expect(try directory.names() == ["b"])
        #expect(scratch.list("trash").isEmpty)
        #expect(throws: StorageError.modelNotFound("a")) { try directory.load("a") }
        #expect(throws: StorageError.modelNotFound("a")) { try directory.delete("a") }
    }

    static let invalidNames = [
        "", ".", "..", ".hidden", "../etc", "a/b", "/abs", "a\u{0}b", "a b", "é", "a%2Fb", "a\\b",
        String(repeating: "x", count: 65)
    ]

    @Test(arguments: invalidNames)
    func refusesInvalidNamesBeforeTouchingTheFileSystem(name: String) throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let directory = try DataDirectory(root: scratch.path)
        var model = sampleModel()
        model.name = name
        #expect(throws: StorageError.invalidModelName(name)) { try directory.save(model) }
        #expect(throws: StorageError.invalidModelName(name)) { try directory.load(name) }
        #expect(throws: StorageError.invalidModelName(name)) { try directory.delete(name) }
        #expect(scratch.list("models").isEmpty)
    }

    @Test(arguments: ["a", "A-1", "v1.2_final", "x.", String(repeating: "z", count: 64)])
    func acceptsValidNames(name: String) throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let directory = try DataDirectory(root: scratch.path)
        try directory.save(sampleModel(name))
        #expect(try directory.load(name).name == name)
    }

    @Test func createsMissingParentDirectories() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let directory = try DataDirectory(root: scratch.path + "/a/b/data/")
        try directory.save(sampleModel())
        #expect(scratch.list("a/b/data/models") == ["mlp"])
    }

    @Test func allowsOneServerPerDirectory() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        var first: DataDirectory? = try DataDirectory(root: scratch.path)
        #expect(throws: StorageError.directoryInUse(path: scratch.path)) { try DataDirectory(root: scratch.path) }
        #expect(first != nil)
        first = nil
        _ = try DataDirectory(root: scratch.path)
    }

    @Test func writesAFileThatIsPlainSafeTensorsWithAChecksum() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let directory = try DataDirectory(root: scratch.path)
        try directory.save(sampleModel())
        let bytes = try scratch.read("models/mlp/checkpoint.safetensors")
        let file = try SafeTensorsFile(decoding: bytes)
        #expect(file.tensors.map(\.name) == ["0.weight", "0.bias"])
        #expect(file.metadata["format"] == "pt")
        #expect(file.metadata["paramd.version"] == "1")
        let stored = try #require(file.metadata["paramd.checksum"])
        // The checksum is the CRC-32 of the file with its own digits written as zeros.
        let digits = Array(stored.utf8)
        let start = try #require((0...bytes.count - 8).first { Array(bytes[$0..<$0 + 8]) == digits })
        var zeroed = bytes
        zeroed.replaceSubrange(start..<start + 8, with: Array("00000000".utf8))
        #expect(CRC32.checksum(zeroed) == UInt32(stored, radix: 16))
    }
}
