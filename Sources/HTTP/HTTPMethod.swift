/// A request method token (RFC 9110 §9), case-sensitive as the RFC requires.
///
/// Any token parses; the server answers 501 for methods outside ``isKnown``,
/// and the router answers 405 for known methods a path does not accept.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The standard methods as cases and any other token as its string: the server compares
    /// every request's method with HEAD and OPTIONS and the router with its routes', and a case
    /// compares as a small integer, costs no reference count to copy, and needs no string made
    /// when parsed (`String`'s `==` took its slow path for each pair of short unequal strings).
    private enum Token: Hashable, Sendable {
        case get, head, post, put, delete, patch, options, trace, connect
        case other(String)
    }

    private let token: Token

    private init(_ token: Token) { self.token = token }

    public init(rawValue: String) {
        switch rawValue {
        case "GET": token = .get
        case "HEAD": token = .head
        case "POST": token = .post
        case "PUT": token = .put
        case "DELETE": token = .delete
        case "PATCH": token = .patch
        case "OPTIONS": token = .options
        case "TRACE": token = .trace
        case "CONNECT": token = .connect
        default: token = .other(rawValue)
        }
    }

    public var rawValue: String {
        switch token {
        case .get: "GET"
        case .head: "HEAD"
        case .post: "POST"
        case .put: "PUT"
        case .delete: "DELETE"
        case .patch: "PATCH"
        case .options: "OPTIONS"
        case .trace: "TRACE"
        case .connect: "CONNECT"
        case .other(let text): text
        }
    }

    public static let get = HTTPMethod(.get)
    public static let head = HTTPMethod(.head)
    public static let post = HTTPMethod(.post)
    public static let put = HTTPMethod(.put)
    public static let delete = HTTPMethod(.delete)
    public static let patch = HTTPMethod(.patch)
    public static let options = HTTPMethod(.options)
    public static let trace = HTTPMethod(.trace)
    public static let connect = HTTPMethod(.connect)

    /// Methods this server implements; CONNECT is known to HTTP but not served (no proxying).
    public var isKnown: Bool {
        switch token {
        case .connect, .other: false
        default: true
        }
    }

    public var description: String { rawValue }

    /// Maps the method's bytes (a token, checked by the parser) to its case; others become a
    /// new string.
    init(bytes: UnsafeBufferPointer<UInt8>) {
        let token: Token? =
            switch bytes.count {
            case 3: Self.matches(bytes, "GET") ? .get : Self.matches(bytes, "PUT") ? .put : nil
            case 4: Self.matches(bytes, "POST") ? .post : Self.matches(bytes, "HEAD") ? .head : nil
            case 5: Self.matches(bytes, "PATCH") ? .patch : Self.matches(bytes, "TRACE") ? .trace : nil
            case 6: Self.matches(bytes, "DELETE") ? .delete : nil
            case 7: Self.matches(bytes, "OPTIONS") ? .options : Self.matches(bytes, "CONNECT") ? .connect : nil
            default: nil
            }
        self.token = token ?? .other(String(decoding: bytes, as: UTF8.self))
    }

    /// Case-sensitive, as methods are; `bytes` has the literal's length.
    @inline(__always)
    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        let expected = literal.utf8Start
        for index in 0..<bytes.count where bytes[index] != expected[index] { return false }
        return true
    }
}
