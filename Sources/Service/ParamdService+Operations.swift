import HTTP
import JSON

extension ParamdService {
    /// /healthz, /readyz and /metrics: open without a token, for probes and scrapers. The two
    /// probes answer on the event loop in place, so no amount of compute on the pool delays them.
    func addOperationRoutes(to router: inout Router) {
        // The liveness probe is the hottest route of all and its answer never changes: encoded
        // once, and sent from the request's head without making the request or a response.
        router.constant(.get, "/healthz", .json(.object(["status": .string("ok")])))
        // Readiness is polled as often as liveness: the store is cast once here, not per probe
        // (a dynamic cast to an existential walks the conformance tables), and the usual answer
        // is built once.
        let replicated = registry.store as? any ReplicatedStore
        let ready = HTTPResponse.json(.object(["status": .string("ready")]))
        router.inPlace(.get, "/readyz") { [self] request in
            guard readiness.isReady else {
                return .problem(Problem(route: .notReady), instance: request.path)
            }
            if let reason = replicated?.health.degradedReason {
                // Still ready: reads and forwards answer from the last snapshot; writes get 503.
                return .json(.object(["status": .string("degraded"), "reason": .string("the model store cannot be reached: \(reason)")]))
            }
            return ready
        }
        handle(&router, .get, "/metrics") { [self] _ in
            let inventory = await registry.inventory()
            metrics.recordInventory(models: inventory.models, parameters: inventory.parameters)
            if let accessLog { metrics.observeAccessLogDrops(total: accessLog.droppedLines) }
            return HTTPResponse(status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.render())
        }
    }
}
