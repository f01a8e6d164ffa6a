public import HTTP
import Logging

extension ParamdService {
    /// The server hooks: the access check before the body is read (the only one: the router
    /// does not repeat it), one log line and the metrics per finished request, and
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
        hooks.requestCompleted = { [self] summary in
            let route = summary.route ?? "unmatched"
            metrics.recordRequest(
                method: summary.method.rawValue, route: route, status: summary.status.code,
                bytesIn: summary.bytesIn, bytesOut: summary.bytesOut, duration: summary.duration)
            // Never the body, the query or headers: they may carry data or credentials.
            logger.info(
                "request",
                metadata: [
                    "id": "\(summary.id)", "method": "\(summary.method.rawValue)", "route": "\(route)",
                    "status": "\(summary.status.code)", "bytes_in": "\(summary.bytesIn)",
                    "bytes_out": "\(summary.bytesOut)", "duration_ms": "\(Self.milliseconds(summary.duration))",
                    "completed": "\(summary.completed)",
                ])
        }
        hooks.handlerPlacement = Placement.forRequest
        hooks.errorResponse = { status, error in
            let detail = error?.description ?? status.reasonPhrase
            let problem = Problem(
                status: status.code, slug: "http-\(status.code)", title: status.reasonPhrase,
                detail: "the server refused the request: \(detail)")
            return .problem(problem, instance: "")
        }
        return hooks
    }

    /// A duration in milliseconds with three decimals, for logs.
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let micros = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        let whole = micros / 1000
        let fraction = micros % 1000
        return "\(whole)." + String(repeating: "0", count: 3 - String(fraction).count) + String(fraction)
    }
}
