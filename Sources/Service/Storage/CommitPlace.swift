/// Where a store does a commit's blocking disk work: on its model's queue (the default), or on
/// the thread of the task that commits, under that queue's exclusion (``isCaller``).
///
/// An owner whose write found its line idle on an idle event loop commits there
/// (``ModelOwner/submit(condition:commitsHere:_:)``): the log append and its `fdatasync` run on
/// the loop's thread inside `DispatchQueue.sync` on the model's queue, which runs the block on
/// the caller's thread when the queue is idle and otherwise waits for what runs there. So they
/// stay serial with the queue's other work (appends of queued commits, log cuts, a delete)
/// exactly as before; only the thread differs, and nothing about durability: the write is
/// acknowledged after the same `fdatasync`.
enum CommitPlace {
    /// Set by an owner around a commit it runs on its caller's thread.
    @TaskLocal static var isCaller = false
}
