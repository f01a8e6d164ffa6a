/// A request method token (RFC 9110 §9), case-sensitive as the RFC requires.
///
/// Any token parses; the server answers 501 for methods outside ``isKnown``,
/// and the router answers 405 for known methods a path does not accept.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public static let get = HTTPMethod(rawValue: "GET")
    public static let head = HTTPMethod(rawValue: "HEAD")
    public static let post = HTTPMethod(rawValue: "POST")
    public static let put = HTTPMethod(rawValue: "PUT")
    public static let delete = HTTPMethod(rawValue: "DELETE")
    public static let patch = HTTPMethod(rawValue: "PATCH")
    public static let options = HTTPMethod(rawValue: "OPTIONS")
    public static let trace = HTTPMethod(rawValue: "TRACE")
    public static let connect = HTTPMethod(rawValue: "CONNECT")

    /// Methods this server implements; CONNECT is known to HTTP but not served (no proxying).
    public var isKnown: Bool {
        switch rawValue {
        case "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE": true
        default: false
        }
    }

    public var description: String { rawValue }

    /// Lengths first: the server compares every request's method with HEAD and OPTIONS, and
    /// `String`'s `==` takes its slow path for every pair of different short strings (equal ones
    /// it finds equal at once). Methods of different lengths are different tokens.
    public static func == (lhs: HTTPMethod, rhs: HTTPMethod) -> Bool {
        lhs.rawValue.utf8.count == rhs.rawValue.utf8.count && lhs.rawValue == rhs.rawValue
    }

    /// Maps the common methods without allocating; others become a new string.
    init(bytes: UnsafeBufferPointer<UInt8>) {
        switch bytes.count {
        case 3 where bytes[0] == 0x47 && bytes[1] == 0x45 && bytes[2] == 0x54: self = .get
        case 3 where bytes[0] == 0x50 && bytes[1] == 0x55 && bytes[2] == 0x54: self = .put
        case 4 where bytes[0] == 0x50 && bytes[1] == 0x4F && bytes[2] == 0x53 && bytes[3] == 0x54: self = .post
        case 4 where bytes[0] == 0x48 && bytes[1] == 0x45 && bytes[2] == 0x41 && bytes[3] == 0x44: self = .head
        default: self.init(rawValue: String(decoding: bytes, as: UTF8.self))
        }
    }
}
