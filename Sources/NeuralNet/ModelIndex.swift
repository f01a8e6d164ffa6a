/// One parameter or buffer as the listing shows it: first path in declaration order, other
/// paths as aliases.
struct ParameterEntry: Sendable {
    let id: ParameterID
    /// The tensor's name in its layer (`weight`, `running_mean`).
    let name: String
    /// Index into `Model.layers`.
    let layer: Int
    /// Position of the tensor among its layer's parameters (or buffers).
    let ordinal: Int
    let path: String
    var aliases: [String]
    /// Every module path where the owning layer sits (one per use when tied).
    var modulePaths: [String]

    var role: ParameterRole { ParameterRole(rawValue: name) ?? .weight }
}

/// Paths of a module tree, computed once: the tree never changes after decoding.
struct ModelIndex: Sendable {
    /// Parameters in declaration order.
    private(set) var entries: [ParameterEntry] = []
    /// Buffers in declaration order.
    private(set) var bufferEntries: [ParameterEntry] = []
    private(set) var entryIndex: [ParameterID: Int] = [:]
    private(set) var bufferIndex: [ParameterID: Int] = [:]
    /// Every parameter path and alias.
    private(set) var parameterByPath: [String: ParameterID] = [:]
    /// Every buffer path and alias.
    private(set) var bufferByPath: [String: ParameterID] = [:]
    /// Every module path, the root being "".
    private(set) var moduleByPath: [String: ModuleNode] = [:]
    /// Module paths in pre-order (PyTorch's `named_modules` order, every position listed).
    private(set) var modulePaths: [String] = []

    init(root: ModuleNode, layers: [any Layer]) {
        visit(root, path: "", layers: layers)
    }

    static func join(_ parent: String, _ child: String) -> String {
        parent.isEmpty ? child : parent + "." + child
    }

    private mutating func visit(_ node: ModuleNode, path: String, layers: [any Layer]) {
        moduleByPath[path] = node
        modulePaths.append(path)
        let layer = layers[node.layer]
        for (k, tensor) in layer.parameters.enumerated() {
            record(tensor, ordinal: k, layer: node.layer, modulePath: path, entries: &entries, index: &entryIndex, byPath: &parameterByPath)
        }
        for (k, tensor) in layer.buffers.enumerated() {
            record(
                tensor, ordinal: k, layer: node.layer, modulePath: path, entries: &bufferEntries, index: &bufferIndex, byPath: &bufferByPath
            )
        }
        for child in node.children { visit(child, path: Self.join(path, child.name), layers: layers) }
    }

    private func record(
        _ tensor: LayerTensor, ordinal: Int, layer: Int, modulePath: String, entries: inout [ParameterEntry],
        index: inout [ParameterID: Int], byPath: inout [String: ParameterID]
    ) {
        let path = Self.join(modulePath, tensor.name)
        byPath[path] = tensor.id
        if let i = index[tensor.id] {
            entries[i].aliases.append(path)
            if ordinal == 0 { entries[i].modulePaths.append(modulePath) }
        } else {
            index[tensor.id] = entries.count
            entries.append(
                ParameterEntry(
                    id: tensor.id, name: tensor.name, layer: layer, ordinal: ordinal, path: path, aliases: [], modulePaths: [modulePath]))
        }
    }

    func entry(_ id: ParameterID) -> ParameterEntry { entries[entryIndex[id]!] }

    func bufferEntry(_ id: ParameterID) -> ParameterEntry { bufferEntries[bufferIndex[id]!] }

    /// The first path of a parameter or buffer.
    func path(of id: ParameterID) -> String {
        if let i = entryIndex[id] { return entries[i].path }
        return bufferEntries[bufferIndex[id]!].path
    }

    /// Every path (first and aliases) of a parameter.
    func allPaths(_ id: ParameterID) -> [String] {
        let e = entry(id)
        return [e.path] + e.aliases
    }

    /// Every path (first and aliases) of a buffer.
    func allBufferPaths(_ id: ParameterID) -> [String] {
        let e = bufferEntry(id)
        return [e.path] + e.aliases
    }
}
