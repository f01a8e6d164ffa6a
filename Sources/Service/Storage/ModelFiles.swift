import HTTP
import Dispatch

/// One model's files while the server runs: its open log, the state they hold, and the
/// serial queue on which its appends, log cuts and delete run, one at a time and off Swift's
/// cooperative pool.
///
/// The state's tensors are the service's: shared with its snapshots until the service lends
/// them (``lend(_:)``), after which the files keep the version and each tensor's size alone
/// and ask the service for the tensors when a checkpoint is due. A checkpoint is written on
/// another thread from an immutable state (a reader like any other: an edit meanwhile copies the
/// tensor it changes), so commits go on while it is written; its log cut then runs on the
/// serial queue, keeping the records appended meanwhile.
final class ModelFiles: Sendable {
    private struct State {
        /// The latest durable state, while the files keep its tensors (nil once lent).
        var model: StoredModel?
        /// Where the latest durable state is once the service lends it.
        var lent: (@Sendable () -> StoredModel?)?
        var version: Int
        /// The bytes of each tensor, by path (for the checkpoint policy).
        var tensorBytes: [String: Int]
        var log: CommitLog
        var isCheckpointing = false
        var isDeleted = false

        var modelBytes: Int { tensorBytes.values.reduce(0, +) }
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
        let bytes = Dictionary(model.tensors.map { ($0.path, $0.values.count * 4) }, uniquingKeysWith: { _, last in last })
        state = Locked(State(model: model, version: model.version, tensorBytes: bytes, log: log))
    }

    /// The latest durable version.
    var version: Int { state.withLock { $0.version } }

    /// The latest durable state: the files' own, or the one the service lends.
    var latest: StoredModel? {
        let (model, lent) = state.withLock { ($0.model, $0.lent) }
        return model ?? lent?()
    }

    /// From now on the service keeps the tensors and `latest` gives them: the files drop theirs.
    func lend(_ latest: @escaping @Sendable () -> StoredModel?) {
        state.withLock { state in
            state.model = nil
            state.lent = latest
        }
    }

    /// Runs `work` on this model's queue and suspends the caller until it is done; in line when
    /// the caller already runs on it (the owner's commits, ``executor``), or on the caller's
    /// thread under the queue's exclusion when the caller waits itself (``CommitPlace``).
    func run<T: Sendable>(_ work: @escaping @Sendable (ModelFiles) throws(ModelStoreError) -> T) async throws(ModelStoreError) -> T {
        if executor.isCurrent { return try work(self) }
        if CommitPlace.isCaller { return try queue.sync { Result { () throws(ModelStoreError) in try work(self) } }.get() }
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
        var (log, version, isDeleted) = state.withLock { ($0.log, $0.version, $0.isDeleted) }
        guard !isDeleted else { throw .notFound(model: name) }
        guard version == commit.expectedVersion else {
            throw .versionConflict(model: name, expected: commit.expectedVersion, found: version)
        }
        do throws(StorageError) {
            try log.append(commit)
        } catch {
            throw ModelStoreError(error)
        }
        let (isDue, kept) = state.withLock { state -> (Bool, StoredModel?) in
            state.model?.apply(commit)
            state.version = commit.version
            for update in commit.tensors { state.tensorBytes[update.path] = update.shape.reduce(4, *) }
            state.log = log
            guard !state.isCheckpointing, policy.isDue(logBytes: log.recordBytes, modelBytes: state.modelBytes) else {
                return (false, nil)
            }
            state.isCheckpointing = true
            return (true, state.model)
        }
        if isDue { startCheckpoint(of: kept) }
    }

    /// The state to checkpoint: the files' own, or what the service lends (a durable version,
    /// perhaps the one before the commit that called for it: the log keeps what follows).
    private func checkpointSource(_ kept: StoredModel?) -> StoredModel? {
        if let kept { return kept }
        return state.withLock { $0.lent }?()
    }

    /// Writes a checkpoint of `kept` (or of what the service lends) on a background thread,
    /// then cuts the log on the queue.
    private func startCheckpoint(of kept: StoredModel?) {
        guard let model = checkpointSource(kept) else {
            state.withLock { $0.isCheckpointing = false }  // the model is gone
            return
        }
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
                let (isDue, kept) = state.withLock { state -> (Bool, StoredModel?) in
                    if written && !isDeleted { state.log = log }
                    state.isCheckpointing = false
                    guard written, !isDeleted, policy.isDue(logBytes: state.log.recordBytes, modelBytes: state.modelBytes)
                    else { return (false, nil) }
                    state.isCheckpointing = true
                    return (true, state.model)
                }
                if isDue { startCheckpoint(of: kept) }
            }
        }
    }

    /// Deletes the model's folder durably (after a checkpoint being written, if any) and
    /// closes its log. On this model's queue.
    func delete(expectedVersion: Int?) throws(ModelStoreError) {
        let (version, isDeleted) = state.withLock { ($0.version, $0.isDeleted) }
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
