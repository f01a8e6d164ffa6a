import HTTP

/// Where handlers run. A small request costs about as much in thread hops (event loop → pool →
/// event loop) as in its own work, so quick requests run on the event loop that read them.
/// Work that could hold a loop for long — a big forward, a big listing, any durable write —
/// runs on the global pool instead, so the other connections of a loop never wait on a handler
/// for much more than ``inlineBudget``.
enum Placement {
    /// About how long a handler may compute on an event loop.
    static let inlineBudget = Duration.microseconds(200)

    /// The server hook: reads and forwards start on the loop and move heavy work off it
    /// themselves (``run(cost:_:)``); every other request starts on the pool, since writes wait
    /// on fsync.
    static func forRequest(_ head: HTTPRequestHead) -> HandlerPlacement? {
        switch head.method {
        case .get, .head: .eventLoop
        case .post where head.path.hasSuffix("/forward") || head.path.hasSuffix("/infer"): .eventLoop
        default: nil
        }
    }

    /// Runs `work` where it belongs: in place when its estimated cost fits ``inlineBudget``,
    /// else in a task on the global pool (the caller resumes where it was).
    static func run<T: Sendable>(cost: Duration, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        if cost <= inlineBudget { return try work() }
        return try await Task(executorPreference: globalConcurrentExecutor) { try work() }.value
    }

    /// Formatting `count` floats as JSON text (shortest round-trip digits): ~25 ns each.
    static func formattingCost(values count: Int) -> Duration {
        .nanoseconds(count.multipliedReportingOverflow(by: 25).partialValue)
    }
}
