/// A parsed request line and header fields: everything known before the body is read.
public struct HTTPRequestHead: Sendable {
    public var method: HTTPMethod
    /// The request target exactly as sent, e.g. `/v1/models/a%20b?values=true`.
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// Path segments split on `/` and then percent-decoded. `/` has none; `/a/` has `a` and ``.
    public var pathSegments: [String]
    /// How the body's length is known.
    public var framing: HTTPBodyFraming
    /// Whether the client sent `Expect: 100-continue` and waits for a 100 before its body.
    public var expectsContinue: Bool
    /// The path and query when decoding the target gave more than the target itself; nil for
    /// the usual plain path (no query, nothing to decode), which then needs no second string.
    private var decoded: DecodedTarget?

    /// The percent-decoded path, e.g. `/v1/models/a b`. `%2F` decodes to `/` here, so route on
    /// ``pathSegments``, which split before decoding.
    public var path: String { decoded?.path ?? target }

    /// Query parameters in order, percent-decoded, with `+` read as a space (HTML form encoding).
    public var query: [HTTPQueryItem] { decoded?.query ?? [] }

    /// Whether the connection may carry another request after this one (RFC 9112 §9.3).
    public var keepAlive: Bool {
        let hasConnection = headers.mayContain(.connection)
        if version == .http1_0 { return hasConnection && headers.containsToken("keep-alive", in: "Connection") }
        return !(hasConnection && headers.containsToken("close", in: "Connection"))
    }

    /// The first value of a query parameter, or nil.
    public func queryValue(_ name: String) -> String? {
        decoded?.query.first { $0.name == name }?.value
    }

    public init(
        method: HTTPMethod, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:],
        framing: HTTPBodyFraming = .none, expectsContinue: Bool = false
    ) throws(HTTPParseError) {
        let components = try RequestTarget(target, method: method)
        self.init(
            method: method, target: target, version: version, headers: headers, pathSegments: components.segments,
            decoded: DecodedTarget(target: target, components: components), framing: framing, expectsContinue: expectsContinue)
    }

    /// The parser's initializer, with the target already split. Not inlined: inlined into the
    /// parser, the head it made was copied once more before being returned (its value witness,
    /// about 280 instructions with the destroy).
    @inline(never)
    init(
        method: HTTPMethod, target: String, version: HTTPVersion, headers: HTTPHeaders, pathSegments: [String],
        decoded: DecodedTarget?, framing: HTTPBodyFraming, expectsContinue: Bool
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.pathSegments = pathSegments
        self.decoded = decoded
        self.framing = framing
        self.expectsContinue = expectsContinue
    }
}

/// A target's decoded path and its query, kept by a head only when they are not simply the
/// target and nothing. A class, so that a head without them (most) copies one null reference
/// rather than a string and an array.
final class DecodedTarget: Sendable {
    let path: String
    let query: [HTTPQueryItem]

    /// Nil when `components` add nothing to `target`.
    init?(target: String, components: RequestTarget) {
        if components.query.isEmpty && components.path == target { return nil }
        path = components.path
        query = components.query
    }
}

/// One `name=value` pair from a query string; `?flag` gives an empty value.
public struct HTTPQueryItem: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
