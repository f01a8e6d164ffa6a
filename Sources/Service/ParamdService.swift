public import HTTP
public import Logging

/// The REST API of paramd as a router and server hooks, independent of sockets: tests drive
/// ``makeRouter()`` in process, ``ParamdServer`` puts it on the network.
public final class ParamdService: Sendable {
    public let configuration: ServiceConfiguration
    public let metrics: ServiceMetrics
    let registry: ModelRegistry
    let readiness = Readiness()
    let auth: BearerAuth?
    let logger: Logger
    let coalescer: ForwardCoalescer
    let cors: CORSPolicy?
    /// Where the per-request lines go; nil: no access log.
    let accessLog: AccessLog?
    /// Model sizes for the router's placement estimates.
    let sizes: ModelSizeHints
    /// Listens for other replicas' commits when the store is shared (``ReplicatedStore``).
    let replicaFollower = Locked<ReplicaFollower?>(nil)

    /// - Parameter accessLog: receives one line per finished request; nil logs none.
    public init(configuration: ServiceConfiguration, store: any ModelStore, logger: Logger, accessLog: AccessLog? = nil) {
        self.configuration = configuration
        let metrics = ServiceMetrics()
        self.metrics = metrics
        self.coalescer = ForwardCoalescer(onBatch: { metrics.recordJointForward(requests: $0) })
        self.registry = ModelRegistry(store: store, limits: configuration.modelLimits, maxModels: configuration.maxModels)
        self.auth =
            configuration.token == nil && configuration.fileTokens == nil
            ? nil : BearerAuth(token: configuration.token, fileTokens: configuration.fileTokens)
        self.cors = CORSPolicy(origins: configuration.corsOrigins)
        self.logger = logger
        self.accessLog = accessLog
        self.sizes = ModelSizeHints(limit: 2 * configuration.maxModels)
    }

    /// Loads every stored model; a damaged one is logged and reported by its routes.
    public func loadModels() async {
        await waitForSharedStore()
        let report = await registry.loadAll()
        for (name, reason) in report.damaged {
            logger.error("damaged model", metadata: ["model": "\(name)", "reason": "\(reason)"])
        }
        logger.info("models loaded", metadata: ["count": "\(report.loaded)", "damaged": "\(report.damaged.count)"])
        readiness.markReady()
        startFollowingSharedStore()
    }

    /// Every route of api/openapi.yaml, errors as problem+json (on /v2 the inference protocol's
    /// own body). Access is checked by ``makeHooks()`` before the body is read (per route,
    /// ``RouteScopes``), so serve this router with those hooks.
    public func makeRouter() -> Router {
        var router = Router()
        router.inlineBudget = Placement.inlineBudget
        router.notFound = { request in
            .problem(Problem(route: .noRoute(method: request.method.rawValue, path: request.path)), instance: request.path)
        }
        router.methodNotAllowed = { request, allowed in
            .problem(
                Problem(route: .methodNotAllowed(method: request.method.rawValue, allowed: allowed.map(\.rawValue))),
                instance: request.path)
        }
        if let cors { router.use(cors.middleware) }
        router.use(readiness.middleware { path in path.hasPrefix("/v1/") || path == "/v1" })
        addOperationRoutes(to: &router)
        addModelRoutes(to: &router)
        addParameterRoutes(to: &router)
        addComputeRoutes(to: &router)
        addStateDictRoutes(to: &router)
        addONNXRoutes(to: &router)
        addStatsRoutes(to: &router)
        addEventRoutes(to: &router)
        addPageRoutes(to: &router)
        addInferenceProtocolRoutes(to: &router)
        addReplicaRoutes(to: &router)
        return router
    }

    /// Registers `handler` so that whatever it throws becomes a problem+json response in
    /// the route's own context (so logs and metrics carry the route template). It runs where
    /// `placement` says (by default ``Placement/byMethod(_:)``); its body is read where `body` says.
    func handle(
        _ router: inout Router, _ method: HTTPMethod, _ template: String, placement: HandlerPlacement? = nil,
        body: HTTPBodyPlanner? = nil, _ handler: @escaping HTTPHandler
    ) {
        router.on(method, template, placement: placement ?? Placement.byMethod(method), body: body) { [self] request in
            do {
                return try await handler(request)
            } catch {
                return problemResponse(error, to: request)
            }
        }
    }

    /// What `error` answers `request` with: a problem, in the request's context; logged when
    /// it is the server's fault.
    func problemResponse(_ error: any Error, to request: HTTPRequest) -> HTTPResponse {
        let problem = Problem(error)
        if problem.status >= 500 {
            logger.error("request failed", metadata: ["id": "\(request.id)", "error": "\(error)"])
        }
        return .problem(problem, instance: request.path)
    }
}
