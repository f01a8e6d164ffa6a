import NeuralNet
import Synchronization

/// The home of one model: its current state, readable without waiting by any number of
/// tasks, and a lock that serializes its writes (and only its own: other models' writes and
/// every read proceed in parallel).
final class ModelSlot: Sendable {
    let name: String
    private let current: Mutex<ModelState?>
    private let writes = WriteLock()

    init(_ state: ModelState) {
        name = state.name
        current = Mutex(state)
    }

    /// The current state: one uncontended lock, no actor hop. 404 once deleted.
    func state() throws(Problem) -> ModelState {
        guard let state = current.withLock({ $0 }) else { throw Self.gone(name) }
        return state
    }

    /// The current state, or nil once deleted (for listings).
    var stateIfPresent: ModelState? { current.withLock { $0 } }

    /// What a change under the write lock produced.
    enum Change<Result: Sendable>: Sendable {
        /// Nothing to publish.
        case none(Result)
        /// In-memory only (gradients): published at the same version, nothing saved.
        case memory(Model, Result)
        /// A durable write: saved, then published at the next version.
        case durable(Model, Result)
    }

    /// Runs `body` under this model's write lock: checks `condition` first, then publishes
    /// what `body` returns; a durable change is saved before it is published. When `body` or
    /// the save throws, the model is exactly as before (a failed save is a 507).
    func modify<Result: Sendable>(
        condition: EntityTag.Condition?, store: any ModelStore,
        _ body: @escaping @Sendable (ModelState) async throws -> Change<Result>
    ) async throws -> (state: ModelState, result: Result) {
        // Saving waits on fsync: on the pool, never on an event loop, whatever the placement
        // of the request that asked for it.
        try await Task(executorPreference: globalConcurrentExecutor) {
            try await self.modifyInPlace(condition: condition, store: store, body)
        }.value
    }

    private func modifyInPlace<Result: Sendable>(
        condition: EntityTag.Condition?, store: any ModelStore,
        _ body: @Sendable (ModelState) async throws -> Change<Result>
    ) async throws -> (state: ModelState, result: Result) {
        try await writes.withLock {
            let state = try self.state()
            if let condition, !condition.isSatisfied(byVersion: state.version) {
                throw EntityTag.preconditionFailed(current: state.version)
            }
            switch try await body(state) {
            case .none(let result):
                return (state, result)
            case .memory(let model, let result):
                let next = state.replacingInMemory(model)
                current.withLock { $0 = next }
                return (next, result)
            case .durable(let model, let result):
                let next = state.next(model)
                do {
                    try await store.save(next.stored)
                } catch {
                    throw Problem.storageFailure(error)
                }
                current.withLock { $0 = next }
                return (next, result)
            }
        }
    }

    /// A durable write built by `change`; nil from `change` means "no change".
    func write<Result: Sendable>(
        condition: EntityTag.Condition?, store: any ModelStore,
        _ change: @escaping @Sendable (ModelState) throws -> (model: Model, result: Result)?
    ) async throws -> (state: ModelState, result: Result?) {
        let (state, result) = try await modify(condition: condition, store: store) { state -> Change<Result?> in
            guard let (model, result) = try change(state) else { return .none(nil) }
            return .durable(model, result)
        }
        return (state, result)
    }

    /// Deletes the stored model and marks the slot gone; later calls get 404.
    func remove(condition: EntityTag.Condition?, store: any ModelStore) async throws {
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
