/// A complete request as a handler sees it: the head, the whole (decoded, inflated) body, and
/// what the server and router learned about it.
public struct HTTPRequest: Sendable {
    public var head: HTTPRequestHead
    /// The body after chunked decoding and gzip inflation; empty when there was none, or when
    /// the route read it into ``bodyDestination``.
    public var body: [UInt8]
    /// The storage the route's ``HTTPBodyPlanner`` provided, filled with the whole body; `body`
    /// is then empty. Nil for every other request.
    public var bodyDestination: (any HTTPBodyDestination)?
    /// Trailer fields of a chunked body.
    public var trailers: HTTPHeaders
    /// The client's `Request-Id` if it sent a sane one, else one made by the server.
    /// Echoed in the response's `Request-Id` field.
    public var id: String
    /// The peer as `address:port` (`[v6]:port` for IPv6).
    public var remoteAddress: String
    /// Values of the `{name}` segments of the matched route, percent-decoded. Set by ``Router``.
    public var parameters: [String: String] = [:]
    /// The matched route template, e.g. `/v1/models/{m}`. Set by ``Router``; nil before routing.
    public var route: String?
    /// The route found while planning the body (``HTTPResponder/bodyPlan(routing:)``): dispatch
    /// takes it instead of looking the path up again.
    var resolvedRoute: ResolvedRoute?

    public init(head: HTTPRequestHead, body: [UInt8] = [], trailers: HTTPHeaders = [:], id: String = "", remoteAddress: String = "") {
        self.head = head
        self.body = body
        self.trailers = trailers
        self.id = id
        self.remoteAddress = remoteAddress
    }

    public var method: HTTPMethod { head.method }
    public var target: String { head.target }
    public var path: String { head.path }
    public var pathSegments: [String] { head.pathSegments }
    public var query: [HTTPQueryItem] { head.query }
    public var headers: HTTPHeaders { head.headers }
    public var version: HTTPVersion { head.version }

    public func queryValue(_ name: String) -> String? { head.queryValue(name) }
}
