/// One segment position in the router's tree.
enum RouteSegment: Sendable {
    case literal(String)
    case parameter(String)
}

/// A route's handler: a task that may wait, placed where the route says; a function that takes
/// the request and answers later through a sink, placed likewise; or a quick function the event
/// loop calls in place.
enum RouteHandler: Sendable {
    case task(HTTPHandler, HandlerPlacement)
    case deferred(HTTPDeferredHandler, HandlerPlacement)
    case inPlace(HTTPInPlaceHandler)
}

/// A node of the route tree: literal children by name, at most one parameter child.
struct RouteNode: Sendable {
    /// A class, immutable: the lookup hands out one reference per request, where copying a
    /// struct of a string and three closures retained and released each of them.
    final class Entry: Sendable {
        let template: String
        let handler: RouteHandler
        /// A task handler inside the router's middleware, composed when either changes (never
        /// per request); nil for in-place handlers.
        let wrapped: HTTPHandler?
        /// Where the route wants bodies read (``Router/on(_:_:placement:body:handler:)``).
        let bodyPlanner: HTTPBodyPlanner?

        init(template: String, handler: RouteHandler, wrapped: HTTPHandler?, bodyPlanner: HTTPBodyPlanner?) {
            self.template = template
            self.handler = handler
            self.wrapped = wrapped
            self.bodyPlanner = bodyPlanner
        }

        /// The same route with `wrapped` in place of its handler inside the middleware.
        func wrapping(_ wrapped: HTTPHandler?) -> Entry {
            Entry(template: template, handler: handler, wrapped: wrapped, bodyPlanner: bodyPlanner)
        }
    }

    // Small arrays, searched in order: a node has a handful of children and methods, where
    // comparing short strings beats hashing them (the lookup runs for every request). Keys and
    // values are parallel arrays rather than arrays of pairs: reading a pair's key copied the
    // whole pair (a node, an entry) first.
    var literalNames: [String] = []
    var literalNodes: [RouteNode] = []
    var parameterName: String?
    var parameterChild: [RouteNode] = []  // zero or one; an array because structs cannot nest directly
    var methods: [HTTPMethod] = []
    var entries: [Entry] = []

    /// The handler for `method`; HEAD falls back to GET.
    func entry(for method: HTTPMethod) -> Entry? {
        // By index: iterating the elements would copy (retain and release) every entry passed over.
        for index in methods.indices where methods[index] == method { return entries[index] }
        if method == .head { return entry(for: .get) }
        return nil
    }

    /// Methods in a stable order, with HEAD implied by GET.
    var allowedMethods: [HTTPMethod] {
        var allowed = Set(methods)
        if allowed.contains(.get) { allowed.insert(.head) }
        return allowed.sorted { $0.rawValue < $1.rawValue }
    }

    mutating func insert(
        _ segments: ArraySlice<RouteSegment>, method: HTTPMethod, template: String, handler: RouteHandler, bodyPlanner: HTTPBodyPlanner?
    ) {
        guard let first = segments.first else {
            precondition(!methods.contains(method), "route \(method) \(template) registered twice")
            methods.append(method)
            entries.append(Entry(template: template, handler: handler, wrapped: nil, bodyPlanner: bodyPlanner))
            return
        }
        switch first {
        case .literal(let name):
            let index =
                literalNames.firstIndex(of: name)
                ?? {
                    literalNames.append(name)
                    literalNodes.append(RouteNode())
                    return literalNodes.count - 1
                }()
            literalNodes[index].insert(
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
        for index in entries.indices { body(&entries[index]) }
        for index in literalNodes.indices { literalNodes[index].updateEntries(body) }
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
            if entries.isEmpty { return nil }
            if let entry = entry(for: method) { return .entry(entry) }
            return .methodNotAllowed(allowed: allowedMethods)
        }
        for index in literalNames.indices where literalNames[index] == first {
            if let found = literalNodes[index].lookup(segments.dropFirst(), method: method, parameters: &parameters) { return found }
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
