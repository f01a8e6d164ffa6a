import HTTP
import JSON

extension ParamdService {
    /// /healthz, /readyz and /metrics: open without a token, for probes and scrapers. The two
    /// probes answer on the event loop in place, so no amount of compute on the pool delays them.
    func addOperationRoutes(to router: inout Router) {
        // The liveness probe is the hottest route of all and its answer never changes: encoded
        // once, and sent from the request's head without making the request or a response.
        router.constant(.get, "/healthz", .json(.object(["status": .string("ok")])))
        router.inPlace(.get, "/readyz") { [self] request in
            guard readiness.isReady else {
                return .problem(Problem(route: .notReady), instance: request.path)
            }
            if let reason = (registry.store as? any ReplicatedStore)?.health.degradedReason {
                // Still ready: reads and forwards answer from the last snapshot; writes get 503.
                return .json(.object(["status": .string("degraded"), "reason": .string("the model store cannot be reached: \(reason)")]))
            }
            return .json(.object(["status": .string("ready")]))
        }
        handle(&router, .get, "/metrics") { [self] _ in
            let inventory = await registry.inventory()
            metrics.recordInventory(models: inventory.models, parameters: inventory.parameters)
            if let accessLog { metrics.observeAccessLogDrops(total: accessLog.droppedLines) }
            return HTTPResponse(status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.render())
        }
    }
}
