import NeuralNet
import Synchronization

/// The home of one model: its current state, readable without waiting by any number of
/// tasks, and the queue that applies its writes one after another and commits them in
/// batches (``CommitQueue``; only its own: other models' writes and every read proceed in
/// parallel).
final class ModelSlot: Sendable {
    let name: String
    private let store: any ModelStore
    private let current: Mutex<ModelState?>
    /// Held by a commit, and by a delete, so the two never interleave.
    let writes = WriteLock()
    private let queue = Mutex(CommitQueue())
    /// Where each committed version is announced (``ModelEvents``).
    private let events: ModelEvents

    init(_ state: ModelState, store: any ModelStore, events: ModelEvents = ModelEvents()) {
        name = state.name
        self.store = store
        self.events = events
        current = Mutex(state)
    }

    /// The current state: one uncontended lock, no actor hop. 404 once deleted.
    func state() throws(Problem) -> ModelState {
        guard let state = current.withLock({ $0 }) else { throw Self.gone(name) }
        return state
    }

    /// Writes queued for the next commit (tests wait on it to order events without sleeping).
    var queuedWriteCount: Int { queue.withLock { $0.pending.count } }

    /// The current state, or nil once deleted (for listings).
    var stateIfPresent: ModelState? { current.withLock { $0 } }

    /// What a change produced.
    enum Change<Result: Sendable>: Sendable {
        /// Nothing to publish.
        case none(Result)
        /// In-memory only (gradients): published at the same version, nothing saved.
        case memory(Model, Result)
        /// A durable write: saved, then published at the next version.
        case durable(Model, Result)
    }

    /// Applies `body` to the model in turn with every other write to it: checks `condition`
    /// against the state `body` sees, then publishes what `body` returns; a durable change is
    /// saved before it is published and before this returns (together with the changes queued
    /// beside it: see ``CommitQueue``). When `body` or the save throws, the model is exactly as
    /// before this change (a failed save is a 507).
    func modify<Result: Sendable>(
        condition: EntityTag.Condition?,
        _ body: @escaping @Sendable (ModelState) async throws -> Change<Result>
    ) async throws -> (state: ModelState, result: Result) {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(state: ModelState, result: Result), any Error>) in
            let write = PendingWrite(condition: condition, fail: { continuation.resume(throwing: $0) }) { state in
                do {
                    switch try await body(state) {
                    case .none(let result):
                        continuation.resume(returning: (state, result))
                        return .answered
                    case .memory(let model, let result):
                        return AppliedWrite(effect: .changed(state.replacingInMemory(model), isDurable: false)) { outcome in
                            continuation.resume(with: outcome.map { ($0, result) })
                        }
                    case .durable(let model, let result):
                        return AppliedWrite(effect: .changed(state.next(model), isDurable: true)) { outcome in
                            continuation.resume(with: outcome.map { ($0, result) })
                        }
                    }
                } catch {
                    continuation.resume(throwing: error)
                    return .answered
                }
            }
            enqueue(write)
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

    private func enqueue(_ write: PendingWrite) {
        let startsCommit = queue.withLock { queue in
            queue.pending.append(write)
            if queue.isCommitting { return false }
            queue.isCommitting = true
            return true
        }
        // Saving waits on fsync: on the pool, never on an event loop, whatever the placement
        // of the request that asked for it.
        if startsCommit { Task(executorPreference: globalConcurrentExecutor) { await self.commitQueued() } }
    }

    /// Drains the queue a batch at a time until it is empty.
    private func commitQueued() async {
        while true {
            let batch = queue.withLock { queue in
                let batch = queue.pending
                queue.pending.removeAll()
                if batch.isEmpty { queue.isCommitting = false }
                return batch
            }
            if batch.isEmpty { return }
            await writes.withLock { await commit(batch) }
        }
    }

    /// Applies a batch in order, saves once if any change is durable, then publishes and answers.
    private func commit(_ batch: [PendingWrite]) async {
        guard var state = current.withLock({ $0 }) else {
            for write in batch { write.fail(Self.gone(name)) }
            return
        }
        let committed = state
        var answers: [(ModelState, AppliedWrite)] = []
        var needsSave = false
        for write in batch {
            if let condition = write.condition, !condition.isSatisfied(byVersion: state.version) {
                write.fail(EntityTag.preconditionFailed(current: state.version))
                continue
            }
            let applied = await write.apply(state)
            guard case .changed(let next, let isDurable) = applied.effect else { continue }
            state = next
            needsSave = needsSave || isDurable
            answers.append((next, applied))
        }
        if needsSave {
            do {
                try await store.save(try state.stored)
            } catch {
                let problem = Problem.storageFailure(error)
                for (_, applied) in answers { applied.answer(.failure(problem)) }
                return
            }
        }
        if !answers.isEmpty { current.withLock { $0 = state } }
        announceVersions(after: committed, answers.map(\.0))
        for (stateAfter, applied) in answers { applied.answer(.success(stateAfter)) }
    }

    /// Publishes one event per version a commit produced (in-memory changes make none), each
    /// naming the parameters its write changed.
    private func announceVersions(after committed: ModelState, _ states: [ModelState]) {
        guard events.hasFollowers(name) else { return }
        var previous = committed
        for state in states where state.version != previous.version {
            let changed = ModelEvents.changedParameters(from: previous.model, to: state.model)
            events.publish(ModelEvents.Event(model: name, version: state.version, change: .updated(parameters: changed)))
            previous = state
        }
    }

    /// Deletes the stored model and marks the slot gone; later calls get 404.
    /// - Returns: the version it had.
    @discardableResult
    func remove(condition: EntityTag.Condition?) async throws -> Int {
        try await writes.withLock {
            let state = try self.state()
            if let condition, !condition.isSatisfied(byVersion: state.version) {
                throw EntityTag.preconditionFailed(current: state.version)
            }
            do {
                try await store.remove(name: name)
            } catch {
                throw Problem.storageFailure(error)
            }
            current.withLock { $0 = nil }
            return state.version
        }
    }

    static func gone(_ name: String) -> Problem {
        .notFound("no model is named \(name.debugDescription)", slug: "unknown-model")
    }
}

extension Problem {
    /// 507: the write could not be made durable; nothing changed.
    static func storageFailure(_ error: any Error) -> Problem {
        Problem(
            status: 507, slug: "storage-failure", title: "Insufficient storage",
            detail: "the change could not be made durable, so it was not applied: \(error)")
    }
}
