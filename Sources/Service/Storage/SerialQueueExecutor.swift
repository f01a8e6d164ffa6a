import Dispatch

/// A serial dispatch queue as a task executor: a task that prefers it runs its jobs on the
/// queue, in order with the blocks queued there and never beside them. A model's owner runs its
/// commits there (``ModelStore/commitExecutor(for:)``), so the store's blocking work (a log
/// append and its `fdatasync`) runs in line on the thread that already holds the model's queue,
/// instead of a pool thread handing it to that queue and waiting to be woken again (two thread
/// wake-ups per commit, the largest part of a one-element PATCH on a fast disk).
final class SerialQueueExecutor: TaskExecutor {
    let queue: DispatchQueue
    private static let key = DispatchSpecificKey<ObjectIdentifier>()

    init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
        queue.setSpecific(key: Self.key, value: ObjectIdentifier(queue))
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// Whether the caller runs on this queue (a block or a task job of it): work for the queue
    /// can then run in line.
    var isCurrent: Bool { DispatchQueue.getSpecific(key: Self.key) == ObjectIdentifier(queue) }
}
