import JSON
import NeuralNet
import Testing
@testable import Service

/// The commit log: records replay onto the checkpoint; a torn or corrupt last record (at any
/// byte) is cut away and everything before it kept; a checkpoint cuts the log; records a
/// checkpoint already holds are skipped.
struct StorageCommitLogTests {
    /// `sampleModel()` created, then three commits: an element run, a whole tensor, a document.
    static func threeCommits(_ directory: DataDirectory) throws -> (states: [PersistedModel], ends: [Int]) {
        var log = try directory.create(sampleModel())
        defer { log.close() }
        var model = StoredModel(persisted: sampleModel())
        var states = [model.persisted]
        var ends = [log.length]
        let weight = model.tensors[0]
        var changed = weight.values
        changed[2] = -7
        changed[3] = 8
        let commits = [
            ModelCommit(
                name: "mlp", expectedVersion: 1, version: 2,
                tensors: [TensorUpdate(path: "0.weight", shape: weight.shape, values: changed, range: 2..<4)]),
            ModelCommit(
                name: "mlp", expectedVersion: 2, version: 4,
                tensors: [TensorUpdate(whole: StoredTensor(path: "0.bias", shape: [3], values: [9, 9, 9]))]),
            ModelCommit(
                name: "mlp", expectedVersion: 4, version: 5, document: .object(["seed": .number(1)]),
                tensors: [TensorUpdate(path: "0.bias", shape: [3], values: [9, 1, 9], range: 1..<2)])
        ]
        for commit in commits {
            try log.append(commit)
            model.apply(commit)
            states.append(model.persisted)
            ends.append(log.length)
        }
        return (states, ends)
    }

    @Test func replaysEveryCommitOntoTheCheckpoint() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let directory = try DataDirectory(root: scratch.path)
        let (states, ends) = try Self.threeCommits(directory)
        #expect(try directory.load("mlp") == states.last!)
        #expect(try scratch.read("models/mlp/log").count == ends.last!)
        // A one-element change is a small record: the log grows by far less than the model.
        #expect(ends[1] - ends[0] < 100)
    }

    /// `beforeZeros`: the crash came during an append inside the file's zeros, which then follow
    /// the torn record to the file's end (a zero length with a zero checksum is never a record).
    @Test(arguments: [false, true])
    func cutsATornLastRecordAtEveryLengthAndKeepsTheOthers(beforeZeros: Bool) throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let directory = try DataDirectory(root: scratch.path)
        let (states, ends) = try Self.threeCommits(directory)
        let log = try scratch.read("models/mlp/log")
        #expect(log.count > ends[3] && log[ends[3]...].allSatisfy { $0 == 0 })
        for length in ends[2]..<ends[3] {
            let tail = beforeZeros ? [UInt8](repeating: 0, count: log.count - length) : []
            try scratch.write(Array(log[..<length]) + tail, to: "models/mlp/log")
            #expect(try directory.load("mlp") == states[2], "log cut at \(length)")
            #expect(try scratch.read("models/mlp/log").count == ends[2], "the torn tail at \(length) was truncated away")
        }
    }

    @Test func cutsACorruptLastRecordAtEveryByteAndKeepsTheOthers() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let directory = try DataDirectory(root: scratch.path)
        let (states, ends) = try Self.threeCommits(directory)
        let log = try scratch.read("models/mlp/log")
        for offset in ends[2]..<ends[3] {
            var garbled = log
            garbled[offset] ^= 0x5A
            try scratch.write(garbled, to: "models/mlp/log")
            #expect(try directory.load("mlp") == states[2], "byte \(offset) changed")
            #expect(try scratch.read("models/mlp/log").count == ends[2])
        }
    }

    /// Appends overwrite zeros inside the file's size (no new size or blocks for the fsync to
    /// commit); a record that does not fit extends the file a step past it.
    @Test func appendsOverwriteTheZerosAFilledStepAhead() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let directory = try DataDirectory(root: scratch.path)
        var log = try directory.create(sampleModel())
        defer { log.close() }
        let bias = StoredTensor(path: "0.bias", shape: [3], values: [1, 2, 3])
        try log.append(ModelCommit(name: "mlp", expectedVersion: 1, version: 2, tensors: [TensorUpdate(whole: bias)]))
        let step = CommitLog.preallocationStep
        #expect(try scratch.read("models/mlp/log").count == step)
        let first = log.length
        try log.append(ModelCommit(name: "mlp", expectedVersion: 2, version: 3, tensors: [TensorUpdate(whole: bias)]))
        let file = try scratch.read("models/mlp/log")
        #expect(file.count == step && log.length > first)
        #expect(file[log.length...].allSatisfy { $0 == 0 })
        // A record longer than what is left: the file ends a step past it, zeros after it.
        let long = StoredTensor(path: "big", shape: [step / 4], values: [Float](repeating: 1, count: step / 4))
        try log.append(ModelCommit(name: "mlp", expectedVersion: 3, version: 4, tensors: [TensorUpdate(whole: long)]))
        let grown = try scratch.read("models/mlp/log")
        #expect(grown.count == (log.length / step + 1) * step)
        #expect(grown[log.length...].allSatisfy { $0 == 0 })
    }

    @Test func aCheckpointCutsTheLogAndKeepsLaterRecords() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let directory = try DataDirectory(root: scratch.path)
        let (states, ends) = try Self.threeCommits(directory)
        // A checkpoint of version 4 (two commits), written while the third was appended.
        try directory.writeCheckpoint(states[2])
        var model = states[0]
        var log = try CommitLog.open(in: scratch.path + "/models/mlp", replayingOnto: &model)
        #expect(model == states[3])
        try log.cut(through: states[2].version)
        log.close()
        #expect(try scratch.read("models/mlp/log").count == CommitLog.headerSize + ends[3] - ends[2])
        #expect(try directory.load("mlp") == states[3])
    }

    @Test func skipsRecordsTheCheckpointHoldsAfterACrashBeforeTheCut() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let directory = try DataDirectory(root: scratch.path)
        let (states, _) = try Self.threeCommits(directory)
        try directory.writeCheckpoint(states[3])
        #expect(try directory.load("mlp") == states[3])
        try directory.writeCheckpoint(states[2])
        #expect(try directory.load("mlp") == states[3])
    }

    @Test func aRecordThatDoesNotFollowTheModelIsDamageNotSilence() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let directory = try DataDirectory(root: scratch.path)
        var log = try directory.create(sampleModel())
        try log.append(
            ModelCommit(
                name: "mlp", expectedVersion: 3, version: 4,
                tensors: [TensorUpdate(whole: StoredTensor(path: "0.bias", shape: [3], values: [1, 1, 1]))]))
        log.close()
        #expect(throws: StorageError.self) { try directory.load("mlp") }
        #expect(try directory.loadAll().damaged.map(\.name) == ["mlp"])
    }

    @Test func theFileStoreCheckpointsInTheBackgroundAndReopensTheSame() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        var stored = StoredModel(persisted: sampleModel())
        let store = try FileModelStore(root: scratch.path, checkpointPolicy: CheckpointPolicy(fraction: 0, minimumLogBytes: 0))
        try await store.apply(.create(stored))
        for version in 2...20 {
            let values = (0..<3).map { Float(version * 10 + $0) }
            let commit = ModelCommit(
                name: "mlp", expectedVersion: version - 1, version: version,
                tensors: [TensorUpdate(whole: StoredTensor(path: "0.bias", shape: [3], values: values))])
            try await store.apply(.commit(commit))
            stored.apply(commit)
        }
        // Every commit asks for a checkpoint, one runs at a time and the next starts when it is
        // done: the log ends empty under a checkpoint of the last version (polled, no sleep order).
        let deadline = ContinuousClock.now + .seconds(30)
        func settled() -> Bool {
            guard let log = try? scratch.read("models/mlp/log"), log.count == CommitLog.headerSize,
                let bytes = try? scratch.read("models/mlp/checkpoint.safetensors")
            else { return false }
            return (try? PersistedModel(file: bytes, name: "mlp").version) == 20
        }
        while !settled() && ContinuousClock.now < deadline { await Task.yield() }
        #expect(settled())
        #expect(try store.directory.load("mlp") == stored.persisted)
    }
}

/// The run of changed elements a commit stores.
struct FloatRunTests {
    @Test(arguments: [(0, 1), (5, 6), (4095, 4097), (4096, 8192), (9999, 10000), (0, 10000), (17, 9000)])
    func findsExactlyTheChangedRun(start: Int, end: Int) {
        let old = (0..<10000).map { Float($0) }
        var new = old
        new[start] = -1
        new[end - 1] = -2
        #expect(FloatRun.differing(old, new) == start..<end)
    }

    @Test func bitsDecideNotEquality() {
        #expect(FloatRun.differing([0, 1], [-0.0, 1]) == 0..<1)
        #expect(FloatRun.differing([1, 2, 3], [1, 2, 3]) == nil)
        #expect(FloatRun.differing([], []) == nil)
    }
}
