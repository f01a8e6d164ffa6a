public import JSON

extension Model {
    /// Re-creates a stored model from its spec and its parameter tensors keyed by path
    /// (first paths or aliases), without drawing any random numbers for them.
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
        for path in parameters.keys.sorted() where index.parameterByPath[path] == nil {
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
        for l in layers.indices where layers[l].inFeatures == nil {
            guard let (path, w) = try stored(layers[l].weight) else { continue }
            guard w.rank == 2, w.shape[0] == layers[l].outFeatures, w.shape[1] >= 1, w.shape[1] <= limits.maxWidth else {
                throw NeuralNetError.shapeMismatch(path: path, expected: [layers[l].outFeatures, w.shape.count == 2 ? w.shape[1] : 1], got: w.shape)
            }
            layers[l].inFeatures = w.shape[1]
        }
        if let inputShape { try validateInputShape(inputShape, location: "input_shape") }
        self.inputShape = inputShape
        try resolveWidths(sampleShape: inputShape, context: .spec)
        var total = 0
        for (l, layer) in layers.enumerated() {
            guard let inFeatures = layer.inFeatures else { continue }
            total = try SpecDecoder.checkedParameterTotal(
                adding: inFeatures, out: layer.outFeatures, bias: layer.bias != nil, to: total, limits: limits, location: layerLocations[l])
        }
        // Layers from the first one with an unknown width on cannot have been materialized
        // (materialization follows construction order), so their tensors may be absent.
        let firstDeferred = layers.firstIndex { $0.inFeatures == nil } ?? layers.count
        for entry in index.entries {
            let layer = layers[entry.layer]
            guard let value = try stored(entry.id) else {
                if entry.layer < firstDeferred && !parameters.isEmpty {
                    throw NeuralNetError.invalidArgument(location: "parameters", reason: "lack '\(entry.path)', which the spec defines")
                }
                continue
            }
            let expected = entry.role == .weight ? [layer.outFeatures, layer.inFeatures ?? -1] : [layer.outFeatures]
            guard value.1.shape == expected else {
                throw NeuralNetError.shapeMismatch(path: value.0, expected: expected, got: value.1.shape)
            }
            store.values[entry.id] = value.1
        }
        // With no stored tensors at all, this is a fresh model: materialize like `init(spec:)`.
        if parameters.isEmpty { try materializeKnownLayers() }
    }

    /// Every materialized parameter keyed by its first path (tied ones once), for storage.
    public var parametersByPath: [String: Tensor] {
        var result: [String: Tensor] = [:]
        for entry in index.entries { if let v = store.values[entry.id] { result[entry.path] = v } }
        return result
    }

    /// The spec back as JSON, with the input widths of deferred layers filled in once known,
    /// so `Model(spec: specJSON, parameters: parametersByPath)` restores this model.
    public var specJSON: JSONValue { encode(root, isRoot: true) }

    private func encode(_ node: ModuleNode, isRoot: Bool) -> JSONValue {
        var m: [String: JSONValue] = [:]
        if node.hasExplicitName && !isRoot { m["name"] = .string(node.name) }
        if node.isReference, let id = node.tieID {
            m["ref"] = .string(id)
            return .object(m)
        }
        if let id = node.tieID { m["id"] = .string(id) }
        switch node.kind {
        case .linear(let l):
            let layer = layers[l]
            m["type"] = .string("linear")
            m["out"] = .number(Double(layer.outFeatures))
            if let i = layer.inFeatures { m["in"] = .number(Double(i)) }
            if layer.bias == nil { m["bias"] = .bool(false) }
            if let f = layer.activation { m["activation"] = Self.encode(f) }
        case .activation(let f):
            m["type"] = .string(f.specName)
            if case .leakyRelu(let s) = f { m["negative_slope"] = .number(Self.shortest(s)) }
        case .flatten:
            m["type"] = .string("flatten")
        case .sequential(let children):
            m["type"] = .string("sequential")
            m["layers"] = .array(children.map { encode($0, isRoot: false) })
        }
        return .object(m)
    }

    /// The Double whose shortest text is the Float's (0.01, not 0.009999999776482582).
    private static func shortest(_ x: Float) -> Double { Double("\(x)") ?? Double(x) }

    private static func encode(_ f: ActivationFunction) -> JSONValue {
        if case .leakyRelu(let s) = f {
            return .object(["type": .string("leaky_relu"), "negative_slope": .number(shortest(s))])
        }
        return .string(f.specName)
    }
}
