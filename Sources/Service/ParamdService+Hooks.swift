public import HTTP
import Logging

extension ParamdService {
    /// The server hooks: the access check before the body is read (the only one: the router
    /// does not repeat it), the access-log line and the metrics per finished request, and
    /// problem+json for errors the server answers itself.
    public func makeHooks() -> HTTPServerHooks {
        var hooks = HTTPServerHooks()
        let router = makeRouter()
        hooks.headReceived = { [self] head in
            // A token that may not call the route costs the client no upload: refused before
            // the body is read.
            if let refusal = accessRefusal(head, router: router) { return .respond(refusal) }
            return .proceed
        }
        let accessLog = self.accessLog
        hooks.requestCompleted = { [metrics] summary in
            metrics.recordRequest(
                method: summary.method.rawValue, route: summary.route ?? "unmatched", status: summary.status.code,
                bytesIn: summary.bytesIn, bytesOut: summary.bytesOut, duration: summary.duration, eventLoop: summary.eventLoop)
            accessLog?.record(summary)
        }
        // Ids are logged, not counted: without the log, a probe's id is only ever sent.
        hooks.completionReadsRequestID = accessLog != nil
        hooks.handlerFailed = { [logger] id, error in
            logger.error("request failed", metadata: ["id": "\(id)", "error": "\(error)"])
        }
        hooks.errorResponse = { status, error in
            .problem(Problem(refusedWith: status, error: error), instance: "")
        }
        return hooks
    }
}
