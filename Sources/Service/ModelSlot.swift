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

    /// A durable write: under this model's lock, checks `condition`, builds the next state
    /// with `change`, saves it, and only then publishes it. When `change` or the save throws,
    /// the model is exactly as before.
    ///
    /// - Parameter change: returns the changed model and a result, or nil for "no change"
    ///   (the version stays, nothing is written).
    func write<Result: Sendable>(
        condition: EntityTag.Condition?, store: any ModelStore,
        _ change: @Sendable (ModelState) throws -> (model: Model, result: Result)?
    ) async throws -> (state: ModelState, result: Result?) {
        try await writes.withLock {
            let state = try self.state()
            if let condition, !condition.isSatisfied(byVersion: state.version) {
                throw EntityTag.preconditionFailed(current: state.version)
            }
            guard let (model, result) = try change(state) else { return (state, nil) }
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

    /// A change that lives only in memory (gradients): serialized with writes, no version bump.
    func update<Result: Sendable>(
        _ change: @Sendable (ModelState) throws -> (model: Model, result: Result)
    ) async throws -> (state: ModelState, result: Result) {
        try await writes.withLock {
            let state = try self.state()
            let (model, result) = try change(state)
            let next = state.replacingInMemory(model)
            current.withLock { $0 = next }
            return (next, result)
        }
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
