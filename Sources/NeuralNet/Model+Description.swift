extension Model {
    /// The module tree as PyTorch's `print(net)` shows it: `Sequential(` with `(name): child`
    /// lines indented by two spaces per level. A deferred layer shows `in_features=?`; a fused
    /// activation appears as `activation=ReLU()`.
    public func describe() -> String { describe(root) }

    func describe(_ node: ModuleNode) -> String { layers[node.layer].describe(node, in: self) }

    /// A container as PyTorch prints it: `Name(` with `(name): child` lines indented by two spaces.
    func describeContainer(_ className: String, _ node: ModuleNode) -> String {
        guard !node.children.isEmpty else { return "\(className)()" }
        var lines = ["\(className)("]
        for child in node.children {
            let body = describe(child).split(separator: "\n", omittingEmptySubsequences: false)
            lines.append("  (\(child.name)): " + body[0])
            lines.append(contentsOf: body.dropFirst().map { "  " + $0 })
        }
        lines.append(")")
        return lines.joined(separator: "\n")
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
    /// totals with tied parameters counted once. Running statistics count as non-trainable
    /// parameters, as Keras counts a batch norm's moving mean and variance.
    public func summary(name: String = "model") -> String {
        let rule = String(repeating: "_", count: 65)
        let double = String(repeating: "=", count: 65)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
        var lines = ["Model: \"\(name)\"", rule, pad(" Layer (type)", 29) + pad("Output Shape", 26) + "Param #", double]
        let rows = root.children.isEmpty && !(layers[root.layer] is SequentialLayer) ? [root] : root.children
        var shape: FeatureShape = inputShape.map(FeatureShape.sample) ?? .unknown
        for (i, child) in rows.enumerated() {
            shape = outputShape(of: child, for: shape)
            var ids: Set<ParameterID> = []
            collectParameters(child, into: &ids)
            let deferred = ids.contains { store.values[$0] == nil }
            var count = deferred ? "?" : String(ids.reduce(0) { $0 + (store.values[$1]?.count ?? 0) } + nonTrainableCount(child))
            if child.isReference { count += " (tied)" }
            let label = " \(child.name.isEmpty ? String(i) : child.name) (\(layers[child.layer].className))"
            lines.append(pad(label, 29) + pad(Self.format(shape), 26) + count)
            lines.append(i == rows.count - 1 ? double : rule)
        }
        if rows.isEmpty { lines.append(double) }
        let c = counts
        let deferredNote = c.deferredTensors > 0 ? " (+ \(c.deferredTensors) deferred tensors)" : ""
        let fixed = nonTrainableCount(root)
        lines += ["Total params: \(c.total + fixed)\(deferredNote)", "Trainable params: \(c.total)", "Non-trainable params: \(fixed)", rule]
        return lines.joined(separator: "\n")
    }

    private static func format(_ shape: FeatureShape) -> String {
        switch shape {
        case .unknown: "multiple"
        case .sample(let s): "(None, " + s.map(String.init).joined(separator: ", ") + ")"
        case .lastDimension(let w): "(None, ..., \(w))"
        }
    }
}
