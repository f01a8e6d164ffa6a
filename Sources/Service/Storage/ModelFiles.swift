import HTTP
import Dispatch

/// One model's files while the server runs: its open log, the state they hold (sharing its
/// tensors' storage with the service's snapshot, so it costs no memory of its own), and the
/// serial queue on which its appends, log cuts and delete run, one at a time and off Swift's
/// cooperative pool.
///
/// A checkpoint is written on another thread from an immutable copy of the state, so commits
/// go on while it is written; its log cut then runs on the serial queue, keeping the records
/// appended meanwhile.
final class ModelFiles: Sendable {
    private struct State {
        var model: StoredModel
        var log: CommitLog
        var isCheckpointing = false
        var isDeleted = false
    }

    let name: String
    private let directory: DataDirectory
    private let policy: CheckpointPolicy
    /// The model's serial queue, also the executor its owner commits on.
    let executor: SerialQueueExecutor
    private var queue: DispatchQueue { executor.queue }
    private let state: Locked<State>
    /// Entered while a checkpoint file is being written: a delete waits for it, so a checkpoint
    /// never lands in the folder after the model is gone.
    private let checkpointWrite = DispatchGroup()

    init(model: StoredModel, log: CommitLog, directory: DataDirectory, policy: CheckpointPolicy) {
        name = model.name
        self.directory = directory
        self.policy = policy
        executor = SerialQueueExecutor(label: "paramd.storage.\(model.name)")
        state = Locked(State(model: model, log: log))
    }

    /// The latest durable state.
    var model: StoredModel { state.withLock { $0.model } }

    /// Runs `work` on this model's queue and suspends the caller until it is done; in line when
    /// the caller already runs on it (the owner's commits, ``executor``).
    func run<T: Sendable>(_ work: @escaping @Sendable (ModelFiles) throws(ModelStoreError) -> T) async throws(ModelStoreError) -> T {
        if executor.isCurrent { return try work(self) }
        let result: Result<T, ModelStoreError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(ModelStoreError) in try work(self) })
            }
        }
        return try result.get()
    }

    /// Appends `commit` to the log durably, then makes it the state; starts a checkpoint when
    /// the log has grown past the policy's share of the model. On this model's queue.
    func commit(_ commit: ModelCommit) throws(ModelStoreError) {
        var (model, log, isDeleted) = state.withLock { ($0.model, $0.log, $0.isDeleted) }
        guard !isDeleted else { throw .notFound(model: name) }
        guard model.version == commit.expectedVersion else {
            throw .versionConflict(model: name, expected: commit.expectedVersion, found: model.version)
        }
        do throws(StorageError) {
            try log.append(commit)
        } catch {
            throw ModelStoreError(error)
        }
        model.apply(commit)
        let checkpoint = state.withLock { state -> StoredModel? in
            state.model = model
            state.log = log
            guard !state.isCheckpointing, policy.isDue(logBytes: log.recordBytes, modelBytes: model.byteCount) else { return nil }
            state.isCheckpointing = true
            return model
        }
        if let checkpoint { startCheckpoint(of: checkpoint) }
    }

    /// Writes a checkpoint of `model` on a background thread, then cuts the log on the queue.
    private func startCheckpoint(of model: StoredModel) {
        checkpointWrite.enter()
        DispatchQueue.global(qos: .utility).async { [self] in
            let written: Bool
            do throws(StorageError) {
                try directory.writeCheckpoint(model.persisted)
                written = true
            } catch {
                written = false  // the log still holds everything; the next commit tries again
            }
            checkpointWrite.leave()
            queue.async { [self] in
                var log = state.withLock { $0.log }
                let isDeleted = state.withLock { $0.isDeleted }
                if written && !isDeleted {
                    // A failed cut leaves the longer log, whose records up to the checkpoint's
                    // version are skipped on replay: nothing to undo.
                    try? log.cut(through: model.version)
                }
                // Commits that came meanwhile may call for the next one already.
                let next = state.withLock { state -> StoredModel? in
                    if written && !isDeleted { state.log = log }
                    state.isCheckpointing = false
                    guard written, !isDeleted, policy.isDue(logBytes: state.log.recordBytes, modelBytes: state.model.byteCount)
                    else { return nil }
                    state.isCheckpointing = true
                    return state.model
                }
                if let next { startCheckpoint(of: next) }
            }
        }
    }

    /// Deletes the model's folder durably (after a checkpoint being written, if any) and
    /// closes its log. On this model's queue.
    func delete(expectedVersion: Int?) throws(ModelStoreError) {
        let (version, isDeleted) = state.withLock { ($0.model.version, $0.isDeleted) }
        guard !isDeleted else { throw .notFound(model: name) }
        if let expectedVersion, expectedVersion != version {
            throw .versionConflict(model: name, expected: expectedVersion, found: version)
        }
        checkpointWrite.wait()
        do throws(StorageError) {
            try directory.delete(name)
        } catch {
            throw ModelStoreError(error)
        }
        state.withLock { state in
            state.isDeleted = true
            state.log.close()
        }
    }
}

extension StoredModel {
    /// The bytes its tensors take.
    var byteCount: Int { tensors.reduce(0) { $0 + $1.values.count * MemoryLayout<Float>.size } }
}
