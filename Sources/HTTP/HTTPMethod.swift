/// A request method token (RFC 9110 §9), case-sensitive as the RFC requires.
///
/// Any token parses; the server answers 501 for methods outside ``isKnown``,
/// and the router answers 405 for known methods a path does not accept.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    /// The standard methods' numbers, 1 to 9 (CONNECT last), and 0 for any other token: the
    /// server compares every request's method with HEAD and OPTIONS and the router with its
    /// routes', and a number compares at once where `String`'s `==` took its slow path for each
    /// pair of short unequal strings. A stored number rather than an enum with a payload keeps
    /// the head a plain struct to copy (an enum's copies went through its value witnesses).
    private let code: UInt8

    private init(_ code: UInt8, _ rawValue: String) {
        self.code = code
        self.rawValue = rawValue
    }

    public init(rawValue: String) {
        switch rawValue {
        case "GET": self = .get
        case "HEAD": self = .head
        case "POST": self = .post
        case "PUT": self = .put
        case "DELETE": self = .delete
        case "PATCH": self = .patch
        case "OPTIONS": self = .options
        case "TRACE": self = .trace
        case "CONNECT": self = .connect
        default: self.init(0, rawValue)
        }
    }

    // Computed rather than stored: a stored static is reached through its lazy initializer's
    // `swift_once` at every use, and these are compared with every request's method.
    public static var get: HTTPMethod { HTTPMethod(1, "GET") }
    public static var head: HTTPMethod { HTTPMethod(2, "HEAD") }
    public static var post: HTTPMethod { HTTPMethod(3, "POST") }
    public static var put: HTTPMethod { HTTPMethod(4, "PUT") }
    public static var delete: HTTPMethod { HTTPMethod(5, "DELETE") }
    public static var patch: HTTPMethod { HTTPMethod(6, "PATCH") }
    public static var options: HTTPMethod { HTTPMethod(7, "OPTIONS") }
    public static var trace: HTTPMethod { HTTPMethod(8, "TRACE") }
    public static var connect: HTTPMethod { HTTPMethod(9, "CONNECT") }

    /// Methods this server implements; CONNECT is known to HTTP but not served (no proxying).
    public var isKnown: Bool { (1...8).contains(code) }

    /// Standard methods by number; others (rare) by name.
    public static func == (lhs: HTTPMethod, rhs: HTTPMethod) -> Bool {
        lhs.code == rhs.code && (lhs.code != 0 || lhs.rawValue == rhs.rawValue)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rawValue)
    }

    public var description: String { rawValue }

    /// Maps the method's bytes (a token, checked by the parser) to its number; others become a
    /// new string.
    init(bytes: UnsafeBufferPointer<UInt8>) {
        let known: HTTPMethod? =
            switch bytes.count {
            case 3: Self.matches(bytes, "GET") ? .get : Self.matches(bytes, "PUT") ? .put : nil
            case 4: Self.matches(bytes, "POST") ? .post : Self.matches(bytes, "HEAD") ? .head : nil
            case 5: Self.matches(bytes, "PATCH") ? .patch : Self.matches(bytes, "TRACE") ? .trace : nil
            case 6: Self.matches(bytes, "DELETE") ? .delete : nil
            case 7: Self.matches(bytes, "OPTIONS") ? .options : Self.matches(bytes, "CONNECT") ? .connect : nil
            default: nil
            }
        self = known ?? HTTPMethod(0, String(decoding: bytes, as: UTF8.self))
    }

    /// Case-sensitive, as methods are; `bytes` has the literal's length.
    @inline(__always)
    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        let expected = literal.utf8Start
        for index in 0..<bytes.count where bytes[index] != expected[index] { return false }
        return true
    }
}
