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
    /// Query parameters in order, percent-decoded, with `+` read as a space (HTML form encoding).
    public var query: [HTTPQueryItem]
    /// The percent-decoded path when it differs from the target; empty when it is the target
    /// (a plain path, the usual case, then needs no second string). No path is empty.
    ///
    /// Not an optional: a stored optional made the compiler copy and destroy the whole head
    /// through its outlined value operations in its initializer (about 300 instructions).
    private var decodedPath: String

    /// The percent-decoded path, e.g. `/v1/models/a b`. `%2F` decodes to `/` here, so route on
    /// ``pathSegments``, which split before decoding.
    public var path: String { decodedPath.isEmpty ? target : decodedPath }

    /// Whether the connection may carry another request after this one (RFC 9112 §9.3).
    public var keepAlive: Bool {
        let hasConnection = headers.mayContain(.connection)
        if version == .http1_0 { return hasConnection && headers.containsToken("keep-alive", in: "Connection") }
        return !(hasConnection && headers.containsToken("close", in: "Connection"))
    }

    /// The first value of a query parameter, or nil.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    public init(
        method: HTTPMethod, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:],
        framing: HTTPBodyFraming = .none, expectsContinue: Bool = false
    ) throws(HTTPParseError) {
        let components = try RequestTarget(target, method: method)
        self.init(
            method: method, target: target, version: version, headers: headers, pathSegments: components.segments,
            decodedPath: components.path == target ? "" : components.path, query: components.query, framing: framing,
            expectsContinue: expectsContinue)
    }

    /// The parser's initializer, with the target already split; `decodedPath` empty when the
    /// path is the target.
    init(
        method: HTTPMethod, target: String, version: HTTPVersion, headers: HTTPHeaders, pathSegments: [String],
        decodedPath: String, query: [HTTPQueryItem], framing: HTTPBodyFraming, expectsContinue: Bool
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.pathSegments = pathSegments
        self.query = query
        self.decodedPath = decodedPath
        self.framing = framing
        self.expectsContinue = expectsContinue
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
