extension Model {
    /// The module tree as PyTorch's `print(net)` shows it: `Sequential(` with `(name): child`
    /// lines indented by two spaces per level. A deferred layer shows `in_features=?`; a fused
    /// activation appears as `activation=ReLU()`.
    public func describe() -> String { describe(root) }

    func describe(_ node: ModuleNode) -> String {
        switch node.kind {
        case .linear(let l):
            let layer = layers[l]
            let inText = layer.inFeatures.map(String.init) ?? "?"
            var text = "Linear(in_features=\(inText), out_features=\(layer.outFeatures), bias=\(layer.bias != nil ? "True" : "False")"
            if let f = layer.activation { text += ", activation=\(Self.describe(f))" }
            return text + ")"
        case .activation(let f):
            return Self.describe(f)
        case .flatten:
            return "Flatten(start_dim=1, end_dim=-1)"
        case .sequential(let children):
            guard !children.isEmpty else { return "Sequential()" }
            var lines = ["Sequential("]
            for child in children {
                let body = describe(child).split(separator: "\n", omittingEmptySubsequences: false)
                lines.append("  (\(child.name)): " + body[0])
                lines.append(contentsOf: body.dropFirst().map { "  " + $0 })
            }
            lines.append(")")
            return lines.joined(separator: "\n")
        }
    }

    static func describe(_ f: ActivationFunction) -> String {
        switch f {
        case .relu: "ReLU()"
        case .sigmoid: "Sigmoid()"
        case .tanh: "Tanh()"
        case .gelu: "GELU(approximate='none')"
        case .leakyRelu(let s): "LeakyReLU(negative_slope=\(s))"
        case .softmax: "Softmax(dim=-1)"
        case .identity: "Identity()"
        }
    }
}

/// Parameter totals, tied parameters counted once.
public struct ParameterCounts: Sendable, Equatable {
    /// Scalars in materialized parameters.
    public let total: Int
    /// Distinct parameter tensors materialized.
    public let tensors: Int
    /// Distinct parameter tensors that appear under more than one path.
    public let tiedTensors: Int
    /// Parameter tensors waiting for their layer's input width.
    public let deferredTensors: Int

    public init(total: Int, tensors: Int, tiedTensors: Int, deferredTensors: Int) {
        self.total = total
        self.tensors = tensors
        self.tiedTensors = tiedTensors
        self.deferredTensors = deferredTensors
    }
}

extension Model {
    public var counts: ParameterCounts {
        ParameterCounts(
            total: parameterCount, tensors: store.values.count,
            tiedTensors: index.entries.filter { !$0.aliases.isEmpty }.count,
            deferredTensors: index.entries.count - store.values.count)
    }

    /// A table like Keras's `model.summary()`: one row per top-level module with its output
    /// shape (`(None, 8)`, batch first; `multiple` when the input shape is not known) and its
    /// parameter count ("(tied)" after the count of a module placed again by reference), then
    /// totals with tied parameters counted once.
    public func summary(name: String = "model") -> String {
        let rule = String(repeating: "_", count: 65)
        let double = String(repeating: "=", count: 65)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
        var lines = ["Model: \"\(name)\"", rule, pad(" Layer (type)", 29) + pad("Output Shape", 26) + "Param #", double]
        let rows = root.children.isEmpty && !isSequential(root) ? [root] : root.children
        var shape: FeatureShape = inputShape.map(FeatureShape.sample) ?? .unknown
        for (i, child) in rows.enumerated() {
            shape = outputShape(child, shape)
            var ids: Set<ParameterID> = []
            collectParameters(child, into: &ids)
            let deferred = ids.contains { store.values[$0] == nil }
            var count = deferred ? "?" : String(ids.reduce(0) { $0 + (store.values[$1]?.count ?? 0) })
            if child.isReference { count += " (tied)" }
            let label = " \(child.name.isEmpty ? String(i) : child.name) (\(Self.className(typeName(child))))"
            lines.append(pad(label, 29) + pad(Self.format(shape), 26) + count)
            lines.append(i == rows.count - 1 ? double : rule)
        }
        if rows.isEmpty { lines.append(double) }
        let c = counts
        let deferredNote = c.deferredTensors > 0 ? " (+ \(c.deferredTensors) deferred tensors)" : ""
        lines += ["Total params: \(c.total)\(deferredNote)", "Trainable params: \(c.total)", "Non-trainable params: 0", rule]
        return lines.joined(separator: "\n")
    }

    private func isSequential(_ node: ModuleNode) -> Bool {
        if case .sequential = node.kind { return true }
        return false
    }

    private static func className(_ type: String) -> String {
        switch type {
        case "linear": "Linear"
        case "sequential": "Sequential"
        case "flatten": "Flatten"
        case "relu": "ReLU"
        case "gelu": "GELU"
        case "leaky_relu": "LeakyReLU"
        default: type.prefix(1).uppercased() + type.dropFirst()
        }
    }

    private static func format(_ shape: FeatureShape) -> String {
        switch shape {
        case .unknown: "multiple"
        case .sample(let s): "(None, " + s.map(String.init).joined(separator: ", ") + ")"
        case .lastDimension(let w): "(None, ..., \(w))"
        }
    }

    /// Static output shape of a module, without checks (creation already checked them).
    private func outputShape(_ node: ModuleNode, _ shape: FeatureShape) -> FeatureShape {
        switch node.kind {
        case .activation: return shape
        case .flatten:
            if case .sample(let s) = shape { return .sample([s.reduce(1, *)]) }
            return .unknown
        case .sequential(let children):
            return children.reduce(shape) { outputShape($1, $0) }
        case .linear(let l):
            if case .sample(let s) = shape { return .sample(s.dropLast() + [layers[l].outFeatures]) }
            return .lastDimension(layers[l].outFeatures)
        }
    }
}
