/// Why the service could not route a request to a handler that does its work.
enum RouteError: Error, Sendable, Equatable {
    /// No route matches the path.
    case noRoute(method: String, path: String)
    /// Routes match the path, but none takes `method`; `allowed` lists those that do.
    case methodNotAllowed(method: String, allowed: [String])
    /// The stored models are still loading.
    case notReady
    /// The web page has no file of this name.
    case noAsset(name: String)
}
