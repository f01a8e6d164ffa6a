import HTTP

/// Whether a shared store answers, and if not, why: /readyz reports it as `degraded` (reads go
/// on from the last snapshot; writes are refused with 503 until it answers again).
final class StoreHealth: Sendable {
    private let reason = Locked<String?>(nil)

    /// nil while the store answers; else what the last failure said.
    var degradedReason: String? { reason.withLock { $0 } }

    func markReachable() { reason.withLock { $0 = nil } }
    func markUnreachable(_ why: String) { reason.withLock { $0 = why } }
}
