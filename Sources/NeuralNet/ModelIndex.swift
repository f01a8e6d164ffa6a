/// One parameter as the listing shows it: first path in declaration order, other paths as aliases.
struct ParameterEntry: Sendable {
    let id: ParameterID
    let role: ParameterRole
    /// Index into `Model.layers`.
    let layer: Int
    let path: String
    var aliases: [String]
    /// Every module path where the owning layer sits (one per use when tied).
    var modulePaths: [String]
}

/// Paths of a module tree, computed once: the tree never changes after decoding.
struct ModelIndex: Sendable {
    private(set) var entries: [ParameterEntry] = []
    private(set) var entryIndex: [ParameterID: Int] = [:]
    /// Every parameter path and alias.
    private(set) var parameterByPath: [String: ParameterID] = [:]
    /// Every module path, the root being "".
    private(set) var moduleByPath: [String: ModuleNode] = [:]
    /// Module paths in pre-order (PyTorch's `named_modules` order, every position listed).
    private(set) var modulePaths: [String] = []

    init(root: ModuleNode, layers: [LinearLayer]) {
        visit(root, path: "", layers: layers)
    }

    static func join(_ parent: String, _ child: String) -> String {
        parent.isEmpty ? child : parent + "." + child
    }

    private mutating func visit(_ node: ModuleNode, path: String, layers: [LinearLayer]) {
        moduleByPath[path] = node
        modulePaths.append(path)
        switch node.kind {
        case .linear(let l):
            let layer = layers[l]
            record(layer.weight, .weight, layer: l, modulePath: path)
            if let b = layer.bias { record(b, .bias, layer: l, modulePath: path) }
        case .sequential(let children):
            for child in children { visit(child, path: Self.join(path, child.name), layers: layers) }
        case .activation, .flatten:
            break
        }
    }

    private mutating func record(_ id: ParameterID, _ role: ParameterRole, layer: Int, modulePath: String) {
        let path = Self.join(modulePath, role.rawValue)
        parameterByPath[path] = id
        if let i = entryIndex[id] {
            entries[i].aliases.append(path)
            if role == .weight { entries[i].modulePaths.append(modulePath) }
        } else {
            entryIndex[id] = entries.count
            entries.append(ParameterEntry(id: id, role: role, layer: layer, path: path, aliases: [], modulePaths: [modulePath]))
        }
    }

    func entry(_ id: ParameterID) -> ParameterEntry { entries[entryIndex[id]!] }

    /// Every path (first and aliases) of `id`.
    func allPaths(_ id: ParameterID) -> [String] {
        let e = entry(id)
        return [e.path] + e.aliases
    }
}
