public import JSON

extension Model {
    /// Re-creates a stored model from its spec and its parameter and buffer tensors keyed by
    /// path (first paths or aliases), without drawing any random numbers for them.
    ///
    /// A deferred layer whose weight is given takes its input width from the weight's second
    /// dimension; one whose weight is absent stays deferred and, when it materializes, draws
    /// from a generator seeded with `seed` (the stream position of the original is not kept).
    /// - Throws: the spec's errors; `unknownParameter` for a path the spec does not have;
    ///   `shapeMismatch` naming both shapes; `invalidArgument` when a parameter of a layer
    ///   with a known width is missing or a tied parameter is given two different values.
    public init(
        spec: JSONValue, parameters: [String: Tensor], seed: UInt64 = 0,
        initializer: Initializer = .framework(.pytorch), inputShape: [Int]? = nil, limits: ModelLimits = .standard
    ) throws {
        let decoded = try SpecDecoder.decode(spec, limits: limits)
        try self.init(decoded: decoded, seed: seed, initializer: initializer, limits: limits)
        for path in parameters.keys.sorted() where index.parameterByPath[path] == nil && index.bufferByPath[path] == nil {
            throw NeuralNetError.unknownParameter(path: path)
        }
        func stored(_ id: ParameterID) throws -> (String, Tensor)? {
            let given = index.allPaths(id).compactMap { p in parameters[p].map { (p, $0) } }
            guard let first = given.first else { return nil }
            for other in given.dropFirst() where other.1 != first.1 {
                throw NeuralNetError.invalidArgument(
                    location: "parameters", reason: "give the tied parameter '\(first.0)' two different values (also as '\(other.0)')")
            }
            return first
        }
        for l in layers.indices {
            for k in layers[l].parameters.indices where layers[l].parameters[k].shape == nil {
                let tensor = layers[l].parameters[k]
                guard let (path, value) = try stored(tensor.id) else { continue }
                try layers[l].adoptStoredShape(value.shape, of: tensor, path: path, limits: limits)
            }
        }
        if let inputShape { try validateInputShape(inputShape, location: "input_shape") }
        self.inputShape = inputShape
        try resolveWidths(sampleShape: inputShape, context: .spec)
        var total = 0
        for (l, layer) in layers.enumerated() {
            total = try SpecDecoder.checkedParameterTotal(adding: layer, to: total, limits: limits, location: layerLocations[l])
        }
        // Layers from the first one with an unknown width on cannot have been materialized
        // (materialization follows construction order), so their tensors may be absent.
        let firstDeferred = layers.firstIndex { $0.parameters.contains { $0.shape == nil } } ?? layers.count
        for entry in index.entries {
            guard let value = try stored(entry.id) else {
                if entry.layer < firstDeferred && !parameters.isEmpty {
                    throw NeuralNetError.invalidArgument(location: "parameters", reason: "lack '\(entry.path)', which the spec defines")
                }
                continue
            }
            guard let expected = layers[entry.layer].parameters[entry.ordinal].shape else {
                throw NeuralNetError.invalidArgument(
                    location: "parameters",
                    reason: "give '\(value.0)' of a layer whose input width is unknown without the weight that fixes it")
            }
            guard value.1.shape == expected else {
                throw NeuralNetError.shapeMismatch(path: value.0, expected: expected, got: value.1.shape)
            }
            store.values[entry.id] = value.1
        }
        for entry in index.bufferEntries {
            let given = index.allBufferPaths(entry.id).compactMap { p in parameters[p].map { (p, $0) } }
            guard let (path, value) = given.first else { continue }
            guard let expected = layers[entry.layer].buffers[entry.ordinal].shape, value.shape == expected else {
                throw NeuralNetError.shapeMismatch(
                    path: path, expected: layers[entry.layer].buffers[entry.ordinal].shape ?? [], got: value.shape)
            }
            store.buffers[entry.id] = value
        }
        // With no stored tensors at all, this is a fresh model: materialize like `init(spec:)`.
        if parameters.isEmpty { try materializeKnownLayers() }
    }

    /// Every materialized parameter keyed by its first path (tied ones once); storage keeps
    /// `buffersByPath` beside it.
    public var parametersByPath: [String: Tensor] {
        var result: [String: Tensor] = [:]
        for entry in index.entries { if let v = store.values[entry.id] { result[entry.path] = v } }
        return result
    }

    /// The spec back as JSON, with the input widths of deferred layers filled in once known,
    /// so `Model(spec: specJSON, parameters: parametersByPath)` restores this model.
    public var specJSON: JSONValue { encode(root, isRoot: true) }

    /// The spec of `node` (its subtree) as JSON.
    func encode(_ node: ModuleNode, isRoot: Bool = false) -> JSONValue {
        var m: [String: JSONValue] = [:]
        if node.hasExplicitName && !isRoot { m["name"] = .string(node.name) }
        if node.isReference, let id = node.tieID {
            m["ref"] = .string(id)
            return .object(m)
        }
        if let id = node.tieID { m["id"] = .string(id) }
        m.merge(layers[node.layer].encode(node, in: self)) { _, new in new }
        return .object(m)
    }
}
