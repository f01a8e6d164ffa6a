import HTTP
import NeuralNet

/// What waits in a ``ModelOwner``'s line.
enum QueuedOperation: Sendable {
    case write(QueuedWrite)
    /// Answered with the version the model had, or why it was not deleted.
    case delete(condition: EntityTag.Condition?, answer: @Sendable (Result<Int, any Error>) -> Void)
    /// Catches up with a shared store (``ModelOwner/catchUp()``); answered with whether the
    /// model is still stored, or why the store could not say.
    case catchUp(answer: @Sendable (Result<Bool, ModelStoreError>) -> Void)
}

/// One queued change to a model.
///
/// A durable write costs an fsync (or a database commit), far more than applying an edit, so
/// writes that arrive while a batch is being stored wait here and the next batch applies all
/// of them in arrival order and stores them once: N concurrent writers share one fsync instead
/// of waiting in line for N. Each writer is still answered only after a write that holds its
/// change, with the version its own change produced.
struct QueuedWrite: Sendable {
    /// What applying the change produced.
    struct Applied: Sendable {
        /// The state after the change (without `run`, which is not written yet).
        let state: ModelState
        /// Whether it must be stored before its writer hears of it.
        let isDurable: Bool
        /// An edit of a few elements still to be written into `state` (``ModelOwner/Change/durableRun(path:_:_:)``).
        var run: PendingRun? = nil
        /// Answers the writer once the batch is stored and published, or with the reason it was not.
        let answer: @Sendable (Result<ModelState, any Error>) -> Void
    }

    let condition: EntityTag.Condition?
    /// Answers the writer with an error without applying its change (a stale If-Match, a
    /// deleted model).
    let fail: @Sendable (any Error) -> Void
    /// Applies the change to the state the earlier writes of the batch left; nil when it
    /// changed nothing or failed (its writer has its answer then).
    let apply: @Sendable (ModelState) -> Applied?
}

/// A run of elements of one parameter that a write stores before it is written into the model.
struct PendingRun: Sendable {
    let path: String
    let run: ParameterRun
}

/// A write queued by ``ModelOwner/submit(condition:_:)``: its outcome, awaited once.
final class PendingWrite<Result: Sendable>: Sendable {
    private enum Slot {
        case waiting(CheckedContinuation<(state: ModelState, result: Result), any Error>?)
        case done(Swift.Result<(state: ModelState, result: Result), any Error>)
    }

    private let slot = Locked(Slot.waiting(nil))
    /// The commit the caller runs itself before it waits, when its write took an idle line
    /// (``ModelOwner/submit(condition:commitsHere:_:)``); taken once.
    private let commit = Locked<(@Sendable () async -> Void)?>(nil)

    /// Suspends until the write is stored and published (or failed), as `modify` does; first
    /// commits it here when the caller is to (``commitFirst(_:)``).
    func outcome() async throws -> (state: ModelState, result: Result) {
        if let commitHere = commit.withLock({ $0.take() }) { await commitHere() }
        return try await withCheckedThrowingContinuation { continuation in
            let done = slot.withLock { slot -> Swift.Result<(state: ModelState, result: Result), any Error>? in
                if case .done(let outcome) = slot { return outcome }
                slot = .waiting(continuation)
                return nil
            }
            if let done { continuation.resume(with: done) }
        }
    }

    /// Makes ``outcome()`` run `commit` before it waits.
    func commitFirst(_ commit: @escaping @Sendable () async -> Void) {
        self.commit.withLock { $0 = commit }
    }

    /// Hands the write's outcome to the caller of ``outcome()``, now or when it asks.
    func resolve(_ outcome: Swift.Result<(state: ModelState, result: Result), any Error>) {
        let waiting = slot.withLock { slot -> CheckedContinuation<(state: ModelState, result: Result), any Error>? in
            guard case .waiting(let continuation) = slot else { return nil }
            slot = .done(outcome)
            return continuation
        }
        waiting?.resume(with: outcome)
    }
}
