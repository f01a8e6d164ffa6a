/// Storage that a route provides for a request body, so the server reads the body straight into
/// it (one copy: socket → storage) instead of into a byte array the handler then copies again.
///
/// The server writes every byte of the body into it, in order, on the connection's event loop,
/// before the handler sees the request (``HTTPRequest/bodyDestination``); a request that fails
/// or whose client goes away before the last byte never reaches the handler, so a half-filled
/// destination is simply dropped.
public protocol HTTPBodyDestination: AnyObject, Sendable {
    /// Its size in bytes: exactly the request's Content-Length.
    var byteCount: Int { get }
    /// Calls `body` with the storage's `byteCount` bytes, which the server fills.
    func withUnsafeMutableBytes<Result>(_ body: (UnsafeMutableRawBufferPointer) -> Result) -> Result
}

/// Where a route wants a request's body read, asked once its head has been accepted (access
/// checked, Content-Length known and within the limit) and before a `100 Continue`.
public enum HTTPBodyPlan: Sendable {
    /// Into ``HTTPRequest/body``, as for any route.
    case buffered
    /// Into this destination, of exactly Content-Length bytes.
    case into(any HTTPBodyDestination)
    /// Not at all: answer with this response now (the client's upload is not read, and the
    /// connection closes after it, since the body's framing on the stream is lost).
    case refuse(HTTPResponse)
}

/// Decides a route's ``HTTPBodyPlan`` from the routed request (parameters set, body not read
/// yet). Called on the event loop, only for Content-Length bodies without Content-Encoding
/// (chunked and compressed bodies are always buffered): it must be quick.
public typealias HTTPBodyPlanner = @Sendable (HTTPRequest) -> HTTPBodyPlan

/// The server's own destination for a large body of a route that declared none: read in place
/// at its full size, then handed over as ``HTTPRequest/body`` without a further copy.
final class ByteBodyDestination: HTTPBodyDestination, @unchecked Sendable {
    // Unchecked: written only on the connection's loop, then moved out once, before the request
    // leaves the loop.
    private var bytes: [UInt8]

    init(byteCount: Int) {
        // Every byte is written (from buffered input or the socket) before the body is used.
        bytes = [UInt8](unsafeUninitializedCapacity: byteCount) { _, count in count = byteCount }
    }

    var byteCount: Int { bytes.count }

    func withUnsafeMutableBytes<Result>(_ body: (UnsafeMutableRawBufferPointer) -> Result) -> Result {
        bytes.withUnsafeMutableBytes(body)
    }

    /// The bytes, leaving this empty (so the array is not shared and never copied).
    func take() -> [UInt8] {
        let taken = bytes
        bytes = []
        return taken
    }
}
