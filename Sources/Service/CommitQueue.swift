/// Writes to one model waiting for its next commit.
///
/// A durable write costs two fsyncs (the file, then its directory), far more than applying an
/// edit, so writes that arrive while a commit is saving queue here and the next commit applies
/// all of them in arrival order and saves once: N concurrent writers share one pair of fsyncs
/// instead of waiting in line for N. Each writer is still answered only after a save that holds
/// its change, with the version its own change produced.
struct CommitQueue {
    var pending: [PendingWrite] = []
    /// A commit task is draining the queue; new writes only need to join it.
    var isCommitting = false
}

/// One queued change to a model.
struct PendingWrite: Sendable {
    let condition: EntityTag.Condition?
    /// Answers the writer with an error without applying its change (a stale If-Match, a
    /// deleted model).
    let fail: @Sendable (any Error) -> Void
    /// Applies the change to the state the earlier writes of the batch left. A change that throws
    /// has answered its writer already and leaves the state as it was.
    let apply: @Sendable (ModelState) async -> AppliedWrite
}

/// What applying one queued change did.
struct AppliedWrite: Sendable {
    enum Effect: Sendable {
        /// Failed (its writer has its error) or changed nothing (its writer has its answer).
        case answered
        /// The next state; `isDurable` when it must be saved before its writer hears of it.
        case changed(ModelState, isDurable: Bool)
    }

    let effect: Effect
    /// Answers the writer once the batch is saved and published, or with the reason it was not.
    let answer: @Sendable (Result<ModelState, any Error>) -> Void

    static let answered = AppliedWrite(effect: .answered, answer: { _ in })
}
