/// The route a router found for a request when it planned the request's body
/// (``HTTPResponder/bodyPlan(routing:)``), carried to dispatch so a request with a body is
/// looked up once, not twice.
struct ResolvedRoute: Sendable {
    let entry: RouteNode.Entry
    let parameters: [String: String]
}
