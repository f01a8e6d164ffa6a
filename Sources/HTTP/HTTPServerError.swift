/// Why the server could not start, or why a streamed write failed.
public enum HTTPServerError: Error, Equatable, Sendable {
    /// The host is neither an IPv4/IPv6 literal nor a name that resolves.
    case invalidAddress(String)
    /// A system call failed while setting up the listener, with its errno.
    case systemCallFailed(call: String, errno: Int32)
    /// The certificate or key could not be loaded, with OpenSSL's reason.
    case tlsConfigurationFailed(String)
    /// `start()` was called on a server that was already started or shut down.
    case alreadyStarted
    /// The client went away before the streamed body was finished.
    case connectionClosed
    /// A route's ``HTTPBodyPlan/into(_:)`` destination was not exactly the body's Content-Length
    /// long: a programming error of the route, answered with 500.
    case bodyDestinationSize(expected: Int, got: Int)
}
