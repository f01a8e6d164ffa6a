import HTTP
import NeuralNet

/// The one owner of a model's writes: it queues them, applies them in arrival order on the
/// latest state, stores each batch as one ``ModelCommit`` (one durable write for every writer
/// that queued while the previous batch was being stored), then publishes the new snapshot and
/// answers the writers. A delete queues in the same line, so it never interleaves with a commit.
///
/// Reads never wait for any of this: ``state()`` returns the published snapshot (an immutable
/// value; one short lock to copy its reference), and a snapshot stays valid for as long as a
/// reader holds it, whatever is committed meanwhile. Long work (training) runs on a snapshot
/// outside the queue and commits its result with a version check (``Change``), so nothing
/// slow ever holds the line.
final class ModelOwner: Sendable {
    let name: String
    let store: any ModelStore
    let snapshot: Locked<ModelState?>
    private let inbox = Locked(Inbox())
    private struct Inbox {
        var pending: [QueuedOperation] = []
        /// A drain task is taking the line; new operations only need to join it.
        var isDraining = false
        /// Operations in the batch taken last: more than one means writers meet here, and
        /// their commits go to the queue, where they share an fsync (``submit(condition:commitsHere:_:)``).
        var lastBatchSize = 0
    }
    /// Where each committed version is announced (``ModelEvents``).
    private let events: ModelEvents
    /// The stored paths of the model's tensors, kept between commits.
    private let storedPaths = StoredTensorPaths.Cache()
    /// The fields of JSON answers about the current version (forward's).
    let answerFields = AnswerFields()

    init(_ state: ModelState, store: any ModelStore, events: ModelEvents = ModelEvents()) {
        name = state.name
        self.store = store
        self.events = events
        snapshot = Locked(state)
        // The store need not keep the tensors too: one holder lets an edit write in place.
        store.lend(name) { [weak self] in try? self?.stateIfPresent?.stored }
    }

    /// The current snapshot; `.unknown` once deleted.
    func state() throws(ModelError) -> ModelState {
        guard let state = snapshot.withLock({ $0 }) else { throw .unknown(name: name) }
        return state
    }

    /// Writes and deletes waiting for the next batch (tests wait on it to order events without
    /// sleeping).
    var queuedCount: Int { inbox.withLock { $0.pending.count } }

    /// The current snapshot, or nil once deleted (for listings).
    var stateIfPresent: ModelState? { snapshot.withLock { $0 } }

    /// What a change produced.
    enum Change<Result: Sendable>: Sendable {
        /// Nothing to publish.
        case none(Result)
        /// In-memory only (gradients): published at the same version, nothing stored.
        case memory(Model, Result)
        /// A durable write: stored, then published at the next version.
        case durable(Model, Result)
        /// A durable edit of a few elements of the parameter at `path`, written into the model
        /// only once stored: in place when no reader holds the tensor (``publish(_:writing:over:)``),
        /// so a large tensor is not copied for it.
        case durableRun(path: String, ParameterRun, Result)
    }

    /// Applies `body` to the model in turn with every other write to it: checks `condition`
    /// against the state `body` sees, then publishes what `body` returns; a durable change is
    /// stored before it is published and before this returns (together with the changes queued
    /// beside it). When `body` or the store throws, the model is exactly as before this change.
    ///
    /// `body` runs inside the write line: it must be quick (apply an edit), never wait on a
    /// client. Work that takes long runs on a snapshot first and passes its result here.
    func modify<Result: Sendable>(
        condition: EntityTag.Condition?,
        _ body: @escaping @Sendable (ModelState) throws -> Change<Result>
    ) async throws -> (state: ModelState, result: Result) {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(.write(Self.queuedWrite(condition: condition, body, answer: { continuation.resume(with: $0) })))
        }
    }

    /// ``modify(condition:_:)`` in two steps: queues the change at once and returns, so the
    /// caller can work while it is stored (format the answer it expects: the disk's fsync and
    /// the formatting overlap), then awaits ``PendingWrite/outcome()``, which it must.
    ///
    /// With `commitsHere`, a write that finds the line idle is not handed to the model's queue:
    /// ``PendingWrite/outcome()`` commits it on the caller's thread (``commitHere()``), which
    /// saves a commit's two thread hand-offs (to the queue and back). Only for a caller that may
    /// block for one fsync: an idle event loop (``HTTPEventLoopThread/isIdleLoop``), never the
    /// cooperative pool; a store without its own commit executor ignores it, and so does a model
    /// whose last batch held several writes: concurrent writers are better served by the queue's
    /// group commit than by a loop that cannot read their requests while it waits on the disk.
    /// - Returns: the pending write, and whether it found the line idle (no write ahead of it:
    ///   it will apply to the snapshot published now, unless one arrives first).
    func submit<Result: Sendable>(
        condition: EntityTag.Condition?, commitsHere: Bool = false,
        _ body: @escaping @Sendable (ModelState) throws -> Change<Result>
    ) -> (write: PendingWrite<Result>, isAlone: Bool) {
        let pending = PendingWrite<Result>()
        let operation = QueuedOperation.write(Self.queuedWrite(condition: condition, body, answer: pending.resolve))
        let line = enqueue(operation, mayDrainHere: commitsHere && store.commitExecutor(for: name) != nil)
        if line == .drainsHere { pending.commitFirst { await self.commitHere() } }
        return (pending, line != .joined)
    }

    /// The queued form of a change: `answer` hears how it ended.
    private static func queuedWrite<Result: Sendable>(
        condition: EntityTag.Condition?,
        _ body: @escaping @Sendable (ModelState) throws -> Change<Result>,
        answer: @escaping @Sendable (Swift.Result<(state: ModelState, result: Result), any Error>) -> Void
    ) -> QueuedWrite {
        QueuedWrite(condition: condition, fail: { answer(.failure($0)) }) { state in
            do {
                switch try body(state) {
                case .none(let result):
                    answer(.success((state, result)))
                    return nil
                case .memory(let model, let result):
                    return QueuedWrite.Applied(state: state.replacingInMemory(model), isDurable: false) { outcome in
                        answer(outcome.map { ($0, result) })
                    }
                case .durable(let model, let result):
                    return QueuedWrite.Applied(state: state.next(model), isDurable: true) { outcome in
                        answer(outcome.map { ($0, result) })
                    }
                case .durableRun(let path, let run, let result):
                    let pending = PendingRun(path: path, run: run)
                    return QueuedWrite.Applied(state: state.next(state.model), isDurable: true, run: pending) { outcome in
                        answer(outcome.map { ($0, result) })
                    }
                }
            } catch {
                answer(.failure(error))
                return nil
            }
        }
    }

    /// A durable write built by `change`; nil from `change` means "no change".
    func write<Result: Sendable>(
        condition: EntityTag.Condition?,
        _ change: @escaping @Sendable (ModelState) throws -> (model: Model, result: Result)?
    ) async throws -> (state: ModelState, result: Result?) {
        let (state, result) = try await modify(condition: condition) { state -> Change<Result?> in
            guard let (model, result) = try change(state) else { return .none(nil) }
            return .durable(model, result)
        }
        return (state, result)
    }

    /// Deletes the stored model, after every write queued before it, and marks the model gone;
    /// writes queued after it fail with `.unknown`.
    /// - Returns: the version it had.
    @discardableResult
    func remove(condition: EntityTag.Condition?) async throws -> Int {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            enqueue(.delete(condition: condition) { continuation.resume(with: $0) })
        }
    }

    /// What queueing an operation did to the line.
    enum Line: Equatable {
        /// A batch was already under way: the operation joined the line.
        case joined
        /// The line was idle: a drain task takes it.
        case drains
        /// The line was idle and the caller takes it (``commitHere()``).
        case drainsHere
    }

    /// Queues `operation`. A line it finds idle is taken by a drain task, or by the caller when
    /// `mayDrainHere` and the last batch held a single operation (no concurrent writers).
    @discardableResult
    func enqueue(_ operation: QueuedOperation, mayDrainHere: Bool = false) -> Line {
        let line = inbox.withLock { inbox -> Line in
            inbox.pending.append(operation)
            if inbox.isDraining { return .joined }
            inbox.isDraining = true
            return mayDrainHere && inbox.lastBatchSize <= 1 ? .drainsHere : .drains
        }
        if line == .drains { startDraining() }
        return line
    }

    /// Storing waits on the disk: never on the cooperative pool, nor on an event loop unless it
    /// asked to (``submit(condition:commitsHere:_:)``). On the store's executor for this model
    /// when it has one (the commit then runs there in line), else on the pool.
    private func startDraining() {
        Task(executorPreference: store.commitExecutor(for: name) ?? globalConcurrentExecutor) { await self.drain() }
    }

    /// Runs the batch queued now on the caller's thread, a commit's disk work included (under the
    /// model's queue, ``CommitPlace``), then hands the line to a drain task if more queued
    /// meanwhile: the caller waits for one batch, never for other writers' later ones. For the
    /// caller that took the idle line (``enqueue(_:mayDrainHere:)``).
    func commitHere() async {
        let batch = inbox.withLock { inbox in
            let batch = inbox.pending
            inbox.pending.removeAll()
            inbox.lastBatchSize = batch.count
            return batch
        }
        await run(batch, storesHere: true)
        let hasMore = inbox.withLock { inbox in
            if inbox.pending.isEmpty { inbox.isDraining = false }
            return !inbox.pending.isEmpty
        }
        if hasMore { startDraining() }
    }

    /// Takes what queued, a batch at a time, until nothing is left.
    private func drain() async {
        while true {
            let batch = inbox.withLock { inbox in
                let batch = inbox.pending
                inbox.pending.removeAll()
                if batch.isEmpty { inbox.isDraining = false } else { inbox.lastBatchSize = batch.count }
                return batch
            }
            if batch.isEmpty { return }
            await run(batch, storesHere: false)
        }
    }

    /// Runs one batch: consecutive writes become one commit (its disk work on the calling thread
    /// when `storesHere`); a delete runs alone, in its place in the line.
    private func run(_ batch: [QueuedOperation], storesHere: Bool) async {
        var writes: [QueuedWrite] = []
        for operation in batch {
            switch operation {
            case .write(let write):
                writes.append(write)
            case .delete(let condition, let answer):
                if !writes.isEmpty { await commit(writes, storesHere: storesHere) }
                writes.removeAll()
                answer(await delete(condition: condition))
            case .catchUp(let answer):
                if !writes.isEmpty { await commit(writes, storesHere: storesHere) }
                writes.removeAll()
                answer(await catchUpInLine())
            }
        }
        if !writes.isEmpty { await commit(writes, storesHere: storesHere) }
    }

    /// Applies writes in order, stores them as one commit if any is durable, then publishes
    /// and answers.
    ///
    /// An edit of a few elements (``Change/durableRun(path:_:_:)``) alone in its batch is stored
    /// as its run and written into the model after the commit is durable
    /// (``publish(_:writing:over:)``): in place when no reader holds the tensor. In a batch of
    /// several writes it is written at once, into a copy, as any write is (the writes after it
    /// read the state it leaves).
    private func commit(_ writes: [QueuedWrite], storesHere: Bool, attempt: Int = 1) async {
        guard var state = snapshot.withLock({ $0 }) else {
            for write in writes { write.fail(ModelError.unknown(name: name)) }
            return
        }
        // Optional so that its reference to the model can end before an edit in place.
        var committed: ModelState? = state
        let committedVersion = state.version
        var states: [ModelState] = []
        var answers: [@Sendable (Result<ModelState, any Error>) -> Void] = []
        var applied: [QueuedWrite] = []
        var isDurable = false
        var pending: PendingRun?
        for write in writes {
            if let condition = write.condition, !condition.isSatisfied(byVersion: state.version) {
                write.fail(ModelError.preconditionFailed(currentVersion: state.version))
                continue
            }
            guard let result = write.apply(state) else { continue }
            state = result.state
            if let run = result.run {
                if writes.count == 1 { pending = run } else { state = state.writing(run) }
            }
            isDurable = isDurable || result.isDurable
            states.append(state)
            answers.append(result.answer)
            applied.append(write)
        }
        if isDurable {
            do {
                let (commit, rewritten) = try state.commit(after: committed!, paths: storedPaths, run: pending)
                try await CommitPlace.$isCaller.withValue(storesHere) { try await store.apply(.commit(commit)) }
                if !rewritten.isEmpty, !states.isEmpty {
                    state = state.sharing(rewritten, of: committed!)
                    states[states.count - 1] = state
                }
            } catch {
                if await rebase(after: error, attempt: attempt) {
                    // Another replica committed first: the same writes apply again on top of its
                    // version, where If-Match now decides, as it would have on that replica.
                    await commit(applied, storesHere: storesHere, attempt: attempt + 1)
                    return
                }
                for answer in answers { answer(.failure(error)) }
                return
            }
        }
        let events = versionEvents(after: committed!, states, pending: pending)
        if let pending {
            committed = nil
            states.removeAll()
            state = publish(consume state, writing: pending, over: committedVersion)
            states = [state]
        } else if !states.isEmpty {
            snapshot.withLock { $0 = state }
        }
        announce(events)
        for (stateAfter, answer) in zip(states, answers) { answer(.success(stateAfter)) }
    }

    private func delete(condition: EntityTag.Condition?) async -> Result<Int, any Error> {
        guard let state = snapshot.withLock({ $0 }) else { return .failure(ModelError.unknown(name: name)) }
        if let condition, !condition.isSatisfied(byVersion: state.version) {
            return .failure(ModelError.preconditionFailed(currentVersion: state.version))
        }
        do {
            try await store.apply(.delete(name: name, expectedVersion: state.version))
        } catch {
            return .failure(error)
        }
        snapshot.withLock { $0 = nil }
        return .success(state.version)
    }

    /// One event per version a commit produced (in-memory changes make none), each naming the
    /// parameters its write changed; none when nobody follows the model.
    func versionEvents(after committed: ModelState, _ states: [ModelState], pending: PendingRun?) -> [ModelEvents.Event] {
        guard events.hasFollowers(name) else { return [] }
        var previous = committed
        var announced: [ModelEvents.Event] = []
        for state in states where state.version != previous.version {
            // A run not yet written shares the tensor with the state before it: name it.
            let changed = pending.map { [$0.path] } ?? ModelEvents.changedParameters(from: previous.model, to: state.model)
            announced.append(ModelEvents.Event(model: name, version: state.version, change: .updated(parameters: changed)))
            previous = state
        }
        return announced
    }

    func announce(_ announced: [ModelEvents.Event]) {
        for event in announced { events.publish(event) }
    }
}
