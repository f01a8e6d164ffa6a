import HTTP

/// Where handlers run, declared with each route (``ParamdService/handle(_:_:_:placement:_:)``)
/// and applied once by the router after matching. A small request costs about as much in thread
/// hops (event loop → pool → event loop) as in its own work, so quick requests run on the event
/// loop that read them; work that could hold a loop for long — a big forward, a big listing, any
/// durable write — runs on the global pool, so the other connections of a loop never wait on a
/// handler for much more than ``inlineBudget``.
enum Placement {
    /// About how long a handler may compute on an event loop (the router's budget).
    static let inlineBudget = Duration.microseconds(200)

    /// A route's placement when it declares none: reads on the loop (they await a snapshot and
    /// format it), everything else on the pool, since writes wait on fsync.
    static func byMethod(_ method: HTTPMethod) -> HandlerPlacement {
        method == .get || method == .head ? .eventLoop : .concurrencyPool
    }

    /// For work whose cost is known only after the router placed its requests — the joint pass
    /// of requests that met in the ``ForwardCoalescer`` — the router's rule, applied there: in
    /// place when `cost` fits ``inlineBudget``, else ``offload(_:)``.
    static func runsInPlace(cost: Duration) -> Bool { cost <= inlineBudget }

    /// Runs `work` in a task on the global pool: the place of work too costly for a loop.
    static func offload(_ work: @escaping @Sendable () -> Void) {
        Task(executorPreference: globalConcurrentExecutor) { work() }
    }

    /// Formatting `count` floats as JSON text (shortest round-trip digits): ~25 ns each.
    static func formattingCost(values count: Int) -> Duration {
        .nanoseconds(count.multipliedReportingOverflow(by: 25).partialValue)
    }

    /// Parsing a JSON body of `bytes` (a tree, then the numbers read again from the text): ~10 ns
    /// a byte.
    static func parsingCost(bytes: Int) -> Duration {
        .nanoseconds(bytes.multipliedReportingOverflow(by: 10).partialValue)
    }

    /// Two passes over the values and a histogram placement: ~2 ns per value.
    static func statisticsCost(values count: Int) -> Duration {
        .nanoseconds(count.multipliedReportingOverflow(by: 2).partialValue)
    }

    /// Copying `bytes` of tensor data into a body: ~0.25 ns a byte (memory bandwidth, first-touch
    /// page faults included).
    static func copyingCost(bytes: Int) -> Duration { .nanoseconds(bytes / 4) }

    /// A cost no budget admits: for a model whose size is not known yet.
    static let unknown = Duration.seconds(1)
}

extension ParamdService {
    /// A ``HandlerPlacement/byCost(_:)`` placement whose estimate is `cost` of the request's
    /// model size (``ModelSizeHints``); a model not seen yet goes to the pool.
    func byModelSize(_ cost: @escaping @Sendable (HTTPRequest, ModelSizeHints.Size) -> Duration) -> HandlerPlacement {
        let sizes = self.sizes
        return .byCost { request in
            guard let name = request.parameters["model"], let size = sizes[name] else { return Placement.unknown }
            return cost(request, size)
        }
    }
}
