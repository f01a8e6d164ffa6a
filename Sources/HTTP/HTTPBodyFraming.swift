/// How the length of a request body is known (RFC 9112 §6.3).
public enum HTTPBodyFraming: Sendable, Equatable {
    /// No Content-Length and no Transfer-Encoding: the body is empty.
    case none
    /// Content-Length: exactly this many bytes follow.
    case length(Int)
    /// Transfer-Encoding: chunked; the length is known only at the last chunk.
    case chunked

    /// Whether any body bytes may follow the head.
    public var mayHaveBody: Bool {
        switch self {
        case .none, .length(0): false
        default: true
        }
    }
}
