/// One segment position in the router's tree.
enum RouteSegment: Sendable {
    case literal(String)
    case parameter(String)
}

/// A route's handler: a task that may wait, placed where the route says, or a quick function
/// the event loop calls in place.
enum RouteHandler: Sendable {
    case task(HTTPHandler, HandlerPlacement)
    case inPlace(HTTPInPlaceHandler)
}

/// A node of the route tree: literal children by name, at most one parameter child.
struct RouteNode: Sendable {
    struct Entry: Sendable {
        let template: String
        let handler: RouteHandler
        /// A task handler inside the router's middleware, composed when either changes (never
        /// per request); nil for in-place handlers.
        var wrapped: HTTPHandler?
        /// Where the route wants bodies read (``Router/on(_:_:placement:body:handler:)``).
        let bodyPlanner: HTTPBodyPlanner?
    }

    // Small arrays, searched in order: a node has a handful of children and methods, where
    // comparing short strings beats hashing them (the lookup runs for every request).
    var literals: [(name: String, node: RouteNode)] = []
    var parameterName: String?
    var parameterChild: [RouteNode] = []  // zero or one; an array because structs cannot nest directly
    var handlers: [(method: HTTPMethod, entry: Entry)] = []

    /// The handler for `method`; HEAD falls back to GET.
    func entry(for method: HTTPMethod) -> Entry? {
        // By index: iterating the elements would copy (retain and release) every entry passed over.
        for index in handlers.indices where handlers[index].method == method { return handlers[index].entry }
        if method == .head { return entry(for: .get) }
        return nil
    }

    /// Methods in a stable order, with HEAD implied by GET.
    var allowedMethods: [HTTPMethod] {
        var methods = Set(handlers.map(\.method))
        if methods.contains(.get) { methods.insert(.head) }
        return methods.sorted { $0.rawValue < $1.rawValue }
    }

    mutating func insert(
        _ segments: ArraySlice<RouteSegment>, method: HTTPMethod, template: String, handler: RouteHandler, bodyPlanner: HTTPBodyPlanner?
    ) {
        guard let first = segments.first else {
            precondition(!handlers.contains { $0.method == method }, "route \(method) \(template) registered twice")
            handlers.append((method, Entry(template: template, handler: handler, wrapped: nil, bodyPlanner: bodyPlanner)))
            return
        }
        switch first {
        case .literal(let name):
            let index =
                literals.firstIndex { $0.name == name }
                ?? {
                    literals.append((name, RouteNode()))
                    return literals.count - 1
                }()
            literals[index].node.insert(
                segments.dropFirst(), method: method, template: template, handler: handler, bodyPlanner: bodyPlanner)
        case .parameter(let name):
            precondition(
                parameterName == nil || parameterName == name, "parameter {\(name)} in \(template) conflicts with {\(parameterName ?? "")}")
            parameterName = name
            if parameterChild.isEmpty { parameterChild = [RouteNode()] }
            parameterChild[0].insert(segments.dropFirst(), method: method, template: template, handler: handler, bodyPlanner: bodyPlanner)
        }
    }

    /// Calls `body` on every entry of this subtree.
    mutating func updateEntries(_ body: (inout Entry) -> Void) {
        for index in handlers.indices { body(&handlers[index].entry) }
        for index in literals.indices { literals[index].node.updateEntries(body) }
        for index in parameterChild.indices { parameterChild[index].updateEntries(body) }
    }

    /// What a request for `method` on `segments` finds: its route's entry, or the methods the
    /// path allows; nil when no route has the path.
    enum Lookup {
        case entry(Entry)
        case methodNotAllowed(allowed: [HTTPMethod])
    }

    /// Depth-first: a literal first, then the parameter, backtracking when a branch dead-ends.
    ///
    /// Runs for every request, so it walks the tree in place: children are reached by index and
    /// only the entry found is copied out (copying nodes on the way retained and released every
    /// array of every node passed over).
    func lookup(_ segments: ArraySlice<String>, method: HTTPMethod, parameters: inout [(String, String)]) -> Lookup? {
        guard let first = segments.first else {
            if handlers.isEmpty { return nil }
            if let entry = entry(for: method) { return .entry(entry) }
            return .methodNotAllowed(allowed: allowedMethods)
        }
        for index in literals.indices where literals[index].name == first {
            if let found = literals[index].node.lookup(segments.dropFirst(), method: method, parameters: &parameters) { return found }
            break
        }
        if let name = parameterName, !first.isEmpty {
            parameters.append((name, first))
            if let found = parameterChild[0].lookup(segments.dropFirst(), method: method, parameters: &parameters) { return found }
            parameters.removeLast()
        }
        return nil
    }
}
