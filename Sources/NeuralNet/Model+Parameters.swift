extension Model {
    /// The parameters under the module at `prefix` ("" = the whole model) in PyTorch
    /// `named_parameters` order: declaration order, weight before bias, a tied parameter once
    /// under its first path in that subtree, its other paths as aliases. Layers still
    /// waiting for their input width are left out (see `deferredParameterPaths`).
    /// `prefix` may also name a single parameter.
    /// - Throws: `unknownModule` when `prefix` names neither a module nor a parameter.
    public func namedParameters(prefix: String = "") throws -> [NamedParameter] {
        if index.moduleByPath[prefix] == nil {
            guard index.parameterByPath[prefix] != nil else { throw NeuralNetError.unknownModule(path: prefix) }
            return [try parameter(prefix)]
        }
        var seen: Set<ParameterID> = []
        var result: [NamedParameter] = []
        for entry in index.entries {
            let paths = index.allPaths(entry.id)
            guard let first = paths.first(where: { Self.isPath($0, under: prefix) }), seen.insert(entry.id).inserted,
                let value = store.values[entry.id]
            else { continue }
            result.append(named(entry, path: first, value: value))
        }
        // Entries are in first-global-path order; within a subtree the first path under the
        // prefix may come later, so restore declaration order of the chosen paths.
        let order = Dictionary(uniqueKeysWithValues: index.modulePaths.enumerated().map { ($1, $0) })
        func rank(_ p: NamedParameter) -> (Int, Int) {
            let module = p.path.split(separator: ".").dropLast().joined(separator: ".")
            return (order[module] ?? 0, index.entry(p.id).ordinal)
        }
        return result.sorted { rank($0) < rank($1) }
    }

    /// The parameter at `path` (its first path or any alias).
    /// - Throws: `unknownParameter`, or `notMaterialized` for a deferred layer's parameter.
    /// A buffer's path gives the buffer (so buffers read and write by path like parameters).
    public func parameter(_ path: String) throws -> NamedParameter {
        if isBufferPath(path) { return try buffer(path) }
        let id = try parameterID(path)
        guard let value = store.values[id] else { throw NeuralNetError.notMaterialized(path: path) }
        return named(index.entry(id), path: index.entry(id).path, value: value)
    }

    /// The id behind a path or alias.
    public func parameterID(_ path: String) throws -> ParameterID {
        guard let id = index.parameterByPath[path] else { throw NeuralNetError.unknownParameter(path: path) }
        return id
    }

    /// Paths of parameters whose layer still waits for its input width.
    public var deferredParameterPaths: [String] {
        index.entries.filter { store.values[$0.id] == nil }.map(\.path)
    }

    /// Parameters whose path or an alias matches `pattern`, in listing order.
    public func parameters(matching pattern: PathPattern) -> [NamedParameter] {
        index.entries.compactMap { entry in
            guard let value = store.values[entry.id], index.allPaths(entry.id).contains(where: pattern.matches) else { return nil }
            return named(entry, path: entry.path, value: value)
        }
    }

    /// The module at `path` ("" is the root).
    public func module(at path: String) throws -> ModuleInfo {
        guard let node = index.moduleByPath[path] else { throw NeuralNetError.unknownModule(path: path) }
        return info(node, path: path)
    }

    /// Every module position whose path matches `pattern`, in pre-order.
    public func modules(matching pattern: PathPattern) -> [ModuleInfo] {
        index.modulePaths.filter(pattern.matches).map { info(index.moduleByPath[$0]!, path: $0) }
    }

    /// Whether a module sits at `path`.
    public func hasModule(_ path: String) -> Bool { index.moduleByPath[path] != nil }

    /// All module paths in pre-order, the root ("") first.
    public var modulePaths: [String] { index.modulePaths }

    static func isPath(_ path: String, under prefix: String) -> Bool {
        prefix.isEmpty || path == prefix || path.hasPrefix(prefix + ".")
    }

    private func named(_ entry: ParameterEntry, path: String, value: Tensor) -> NamedParameter {
        NamedParameter(
            path: path, aliases: index.allPaths(entry.id).filter { $0 != path }, id: entry.id, role: entry.role,
            value: value, gradient: store.gradients[entry.id])
    }

    private func info(_ node: ModuleNode, path: String) -> ModuleInfo {
        var ids: Set<ParameterID> = []
        collectParameters(node, into: &ids)
        let count = ids.reduce(0) { $0 + (store.values[$1]?.count ?? 0) }
        var info = ModuleInfo(
            path: path, type: typeName(node), tieID: node.tieID, children: node.children.map(\.name),
            parameterCount: count, description: describe(node))
        info.nonTrainableCount = nonTrainableCount(node)
        return info
    }

    /// Float32 buffer elements under `node`, each buffer once.
    func nonTrainableCount(_ node: ModuleNode) -> Int {
        var ids: Set<ParameterID> = []
        func walk(_ n: ModuleNode) {
            for b in layers[n.layer].buffers where b.dtype == .float32 { ids.insert(b.id) }
            n.children.forEach(walk)
        }
        walk(node)
        return ids.reduce(0) { $0 + (store.buffers[$1]?.count ?? 0) }
    }

    func collectParameters(_ node: ModuleNode, into ids: inout Set<ParameterID>) {
        for tensor in layers[node.layer].parameters { ids.insert(tensor.id) }
        for child in node.children { collectParameters(child, into: &ids) }
    }

    func typeName(_ node: ModuleNode) -> String { layers[node.layer].typeName }
}
