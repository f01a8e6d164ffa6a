import JSON

/// A residual block: its children run in order, as a sequential's do, and the block's input
/// is added to their output (`class Residual(nn.Sequential)` whose `forward` returns
/// `super().forward(x) + x`, so state-dict keys are `block.0.weight`). The body must give back
/// the shape it receives, checked at creation and for each input shape. The body is run as a
/// sequential's children are (`body`).
struct ResidualLayer: Layer {
    static let typeNames = ["residual"]

    static func decode(_ spec: LayerSpec, decoder: inout SpecDecoder) throws -> ResidualLayer {
        try spec.allow(["layers"])
        try decoder.decodeChildren(spec)
        return ResidualLayer()
    }

    var typeName: String { "residual" }

    /// The children as a sequential runs them.
    private let body = SequentialLayer()

    func encode(_ node: ModuleNode, in model: Model) -> [String: JSONValue] {
        body.encode(node, in: model).merging(["type": .string(typeName)]) { _, new in new }
    }

    /// The body's output must equal its input. With only a width known (or nothing), the body
    /// runs a second time from its own output width, so its first layer's width is checked too.
    func inferShape(_ input: FeatureShape, node: ModuleNode, context: inout ShapeContext) throws -> FeatureShape {
        let out = try body.inferShape(input, node: node, context: &context)
        if case .sample = input {
            guard out == input else { throw mismatch(context, input, out) }
            return input
        }
        guard let width = out.width else { return input }
        let demanded = context.layersDemand(of: node.children)?.sample?.last ?? input.width
        if let demanded, demanded > 0, demanded != width { throw mismatch(context, .lastDimension(demanded), out) }
        let again = try body.inferShape(.lastDimension(width), node: node, context: &context)
        guard again.width == width else { throw mismatch(context, .lastDimension(width), again) }
        return input.width == nil ? .lastDimension(width) : input
    }

    private func mismatch(_ context: ShapeContext, _ input: FeatureShape, _ output: FeatureShape) -> NeuralNetError {
        func text(_ s: FeatureShape) -> String {
            switch s {
            case .sample(let d): formatShape(d)
            case .lastDimension(let w): "(…, \(w))"
            case .unknown: "an unknown shape"
            }
        }
        return context.mismatch(
            "\(context.layerName(typeName)) adds its input to its body's output, but the body turns \(text(input)) into \(text(output))")
    }

    func inputDemand(_ node: ModuleNode, in layers: [any Layer]) -> InputDemand? { body.inputDemand(node, in: layers) }

    func forward(_ x: consuming Tensor, node: ModuleNode, context: inout ForwardContext) throws -> Tensor {
        let input = copy x
        var h = try body.forward(x, node: node, context: &context)
        h.withUnsafeMutableScalars { hp in
            input.withUnsafeScalars { xp in for i in hp.indices { hp[i] += xp[i] } }
        }
        return h
    }

    func backward(_ dy: Tensor, node: ModuleNode, context: inout BackwardContext) -> Tensor {
        var d = body.backward(dy, node: node, context: &context)
        guard context.needsInputGradient else { return d }
        d.withUnsafeMutableScalars { dp in
            dy.withUnsafeScalars { skip in for i in dp.indices { dp[i] += skip[i] } }
        }
        return d
    }

    func describe(_ node: ModuleNode, in model: Model) -> String { model.describeContainer("Residual", node) }

    /// The body's nodes, then `Add` of their output and the block's input.
    func exportONNX(_ input: ONNXGraph.Value, node: ModuleNode, path: String, graph: inout ONNXGraph) throws -> ONNXGraph.Value {
        let name = graph.nodeName(path, self)
        let out = try body.exportONNX(input, node: node, path: path, graph: &graph)
        return graph.emit("Add", name: name + ".add", inputs: [out.name, input.name], attributes: [], sample: input.sample)
    }
}
