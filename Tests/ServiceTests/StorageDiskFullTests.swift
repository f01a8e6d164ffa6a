import Foundation
import JSON
import NeuralNet
import Testing
@testable import Service

/// A real full disk: a 64 KiB tmpfs mounted for the test (root only; skipped otherwise).
struct StorageDiskFullTests {
    /// Mounts a tiny tmpfs, runs `body` with its path, unmounts.
    static func withTinyFileSystem(_ body: (String) throws -> Void) throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        guard mount("tmpfs", scratch.path, "tmpfs", 0, "size=64k") == 0 else {
            throw MountUnavailable()
        }
        defer { umount2(scratch.path, Int32(MNT_DETACH)) }
        try body(scratch.path)
    }

    struct MountUnavailable: Error {}

    /// Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN), tried once.
    static let canMount: Bool = {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        guard mount("tmpfs", scratch.path, "tmpfs", 0, "size=64k") == 0 else { return false }
        umount2(scratch.path, Int32(MNT_DETACH))
        return true
    }()

    @Test(.enabled(if: canMount, "needs permission to mount a tmpfs"))
    func aFullDiskFailsTheWriteAndKeepsTheOldState() throws {
        try Self.withTinyFileSystem { root in
            let directory = try DataDirectory(root: root)
            let small = sampleModel(version: 1)
            try directory.save(small)
            var big = sampleModel(version: 2)
            big.tensors = [SafeTensorsEntry(name: "0.weight", shape: [40_000], values: [Float](repeating: 1, count: 40_000))]
            do throws(StorageError) {
                try directory.save(big)
                Issue.record("a 160 KB model fit into 64 KiB")
            } catch {
                guard case .diskFull = error else {
                    Issue.record("expected diskFull, got \(error)")
                    return
                }
            }
            #expect(try directory.load("mlp") == small)
            #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/models/mlp") == ["checkpoint.safetensors", "log"])
            // Once space is freed, writes succeed again.
            try directory.delete("mlp")
            try directory.save(small)
            #expect(try directory.load("mlp") == small)
        }
    }

    @Test(.enabled(if: canMount, "needs permission to mount a tmpfs"))
    func aFullDiskIsAnInsufficientStorageError() throws {
        try Self.withTinyFileSystem { root in
            let directory = try DataDirectory(root: root)
            var big = sampleModel()
            big.tensors = [SafeTensorsEntry(name: "w", shape: [100_000], values: [Float](repeating: 0, count: 100_000))]
            do throws(StorageError) {
                try directory.save(big)
                Issue.record("a 400 KB model fit into 64 KiB")
            } catch {
                #expect(error.isInsufficientStorage)
                #expect(error.description.hasPrefix("no space left on the device while writing "))
            }
            #expect(try directory.loadAll().models.isEmpty)
        }
    }
}
