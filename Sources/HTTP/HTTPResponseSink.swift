/// Where the answer to one request goes when its route answers later rather than by returning
/// (``HTTPDispatch/deferred(_:)``, ``Router/deferred(_:_:placement:body:handler:)``): a
/// one-shot handle, free to copy and to send across threads.
///
/// Call ``send(_:)`` or ``fail(_:)`` exactly once. From the connection's event loop the
/// response is handed to the connection at once; from any other thread (or while the loop is
/// still dispatching the request) it goes through the loop's inbox. A connection that closed
/// meanwhile drops it, and so does one that already has its answer: a second call never answers
/// the connection's next request. A sink never called leaves its connection waiting until its
/// deadline.
public struct HTTPResponseSink: Sendable {
    enum Target: Sendable {
        /// A connection of an event loop.
        case connection(Reply)
        /// A function: tests, tools, and routes run in a task (``HTTPResponder/respond(to:)``).
        case callback(@Sendable (Result<HTTPResponse, any Error>) -> Void)
    }

    let target: Target
    /// The route template the router matched, set on the response.
    var route: String?
    /// Middleware's `after` halves, innermost first (``mapping(_:)``).
    private var transform: (@Sendable (inout HTTPResponse) -> Void)?

    init(_ target: Target, route: String? = nil) {
        self.target = target
        self.route = route
    }

    /// A sink that hands the response, or the error of ``fail(_:)``, to `deliver`, on whatever
    /// thread answers: for tests and tools that drive a responder without a server.
    public init(_ deliver: @escaping @Sendable (Result<HTTPResponse, any Error>) -> Void) {
        self.init(.callback(deliver))
    }

    /// Answers the request with `response`.
    public func send(_ response: consuming HTTPResponse) {
        var response = response
        if let route { response.route = route }
        transform?(&response)
        switch target {
        case .connection(let reply): reply.deliver(response)
        case .callback(let deliver): deliver(.success(response))
        }
    }

    /// Answers the request with the server's 500, reporting `error` to
    /// ``HTTPServerHooks/handlerFailed`` with the request's id (as for an error a task throws).
    public func fail(_ error: any Error) {
        switch target {
        case .connection(let reply): reply.fail(error)
        case .callback(let deliver): deliver(.failure(error))
        }
    }

    /// This sink with `transform` applied to the response before it goes (after any transform
    /// already set, which is outside it).
    public func mapping(_ transform: @escaping @Sendable (inout HTTPResponse) -> Void) -> HTTPResponseSink {
        var mapped = self
        if let outer = self.transform {
            mapped.transform = { response in
                transform(&response)
                outer(&response)
            }
        } else {
            mapped.transform = transform
        }
        return mapped
    }

    /// The event loop the answer returns to, as a key for grouping work per loop; nil when it
    /// returns to none (``init(_:)``).
    public var loopIdentity: ObjectIdentifier? {
        guard case .connection(let reply) = target else { return nil }
        return ObjectIdentifier(reply.loop)
    }

    /// Runs `work` once the requests read in the current turn of the answer's event loop have
    /// been dispatched: queued on that loop after what is already queued there (from the loop's
    /// own thread, later in the same turn, before it sleeps again). A sink of ``init(_:)``,
    /// which returns to no loop, runs `work` in a task on the global pool.
    ///
    /// For work that gains from seeing every request of a turn together: a shared pass.
    public func afterTurn(_ work: @escaping @Sendable () -> Void) {
        switch target {
        case .connection(let reply): reply.loop.execute(work)
        case .callback: Task(executorPreference: globalConcurrentExecutor) { work() }
        }
    }
}
