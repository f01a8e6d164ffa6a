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
///
/// A class, so the lookup walks the tree by reference: copying a node struct out of its
/// parent's array retained and released every array it holds, at every level, per request.
/// Changed only while its ``Router`` is built, which first copies a tree it shares with another
/// router value (``copy()``): once handed to a server, a tree is only read.
final class RouteNode: @unchecked Sendable {
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
    // Read for every request, so without the runtime's exclusivity checks (a thread-local
    // access set per read): written only while the router is built, before any lookup.
    @exclusivity(unchecked) private(set) var literalNames: [String] = []
    @exclusivity(unchecked) private(set) var literalNodes: [RouteNode] = []
    @exclusivity(unchecked) private(set) var parameterName: String?
    @exclusivity(unchecked) private(set) var parameterChild: RouteNode?
    @exclusivity(unchecked) private(set) var methods: [HTTPMethod] = []
    @exclusivity(unchecked) private(set) var entries: [Entry] = []

    init() {}

    /// A deep copy, for a router about to change a tree another router value holds.
    func copy() -> RouteNode {
        let copy = RouteNode()
        copy.literalNames = literalNames
        copy.literalNodes = literalNodes.map { $0.copy() }
        copy.parameterName = parameterName
        copy.parameterChild = parameterChild?.copy()
        copy.methods = methods
        copy.entries = entries
        return copy
    }

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

    func insert(
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
            let child = parameterChild ?? RouteNode()
            parameterChild = child
            child.insert(segments.dropFirst(), method: method, template: template, handler: handler, bodyPlanner: bodyPlanner)
        }
    }

    /// Calls `body` on every entry of this subtree.
    func updateEntries(_ body: (inout Entry) -> Void) {
        for index in entries.indices { body(&entries[index]) }
        for node in literalNodes { node.updateEntries(body) }
        parameterChild?.updateEntries(body)
    }

    /// What a request for `method` on `segments` finds: its route's entry, or the methods the
    /// path allows; nil when no route has the path.
    enum Lookup {
        case entry(Entry)
        case methodNotAllowed(allowed: [HTTPMethod])
    }

    /// Depth-first: a literal first, then the parameter, backtracking when a branch dead-ends.
    ///
    /// Runs for every request, so it walks the tree by reference and copies out only the entry
    /// found (a reference too).
    func lookup(_ segments: ArraySlice<String>, method: HTTPMethod, parameters: inout [(String, String)]) -> Lookup? {
        guard let first = segments.first else {
            if entries.isEmpty { return nil }
            if let entry = entry(for: method) { return .entry(entry) }
            return .methodNotAllowed(allowed: allowedMethods)
        }
        // Lengths first: `String`'s `==` takes its slow path for different short strings, and a
        // node such as `{model}`'s has a dozen literal children to pass over.
        let length = first.utf8.count
        for index in literalNames.indices where literalNames[index].utf8.count == length && literalNames[index] == first {
            if let found = literalNodes[index].lookup(segments.dropFirst(), method: method, parameters: &parameters) { return found }
            break
        }
        if let name = parameterName, let child = parameterChild, !first.isEmpty {
            parameters.append((name, first))
            if let found = child.lookup(segments.dropFirst(), method: method, parameters: &parameters) { return found }
            parameters.removeLast()
        }
        return nil
    }
}
