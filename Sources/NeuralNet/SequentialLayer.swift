import JSON

/// `nn.Sequential`: its children (the node's) run in order.
struct SequentialLayer: Layer {
    static let typeNames = ["sequential"]

    static func decode(_ spec: LayerSpec, decoder: inout SpecDecoder) throws -> SequentialLayer {
        try spec.allow(["layers"])
        try decoder.decodeChildren(spec)
        return SequentialLayer()
    }

    var typeName: String { "sequential" }

    func encode(_ node: ModuleNode, in model: Model) -> [String: JSONValue] {
        ["type": .string(typeName), "layers": .array(node.children.map { model.encode($0) })]
    }

    func inferShape(_ input: FeatureShape, node: ModuleNode, context: inout ShapeContext) throws -> FeatureShape {
        var shape = input
        for child in node.children { shape = try context.infer(child, shape) }
        return shape
    }

    func inputDemand(_ node: ModuleNode, in layers: [any Layer]) -> InputDemand? { Model.inputDemand(of: node.children, in: layers) }

    func forward(_ x: consuming Tensor, node: ModuleNode, context: inout ForwardContext) throws -> Tensor {
        var h = x
        for child in node.children { h = try context.run(child, consume h) }
        return h
    }

    func backward(_ dy: Tensor, node: ModuleNode, context: inout BackwardContext) -> Tensor {
        var d = dy
        for child in node.children.reversed() { d = context.run(child, d) }
        return d
    }

    func describe(_ node: ModuleNode, in model: Model) -> String { model.describeContainer("Sequential", node) }

    func exportONNX(_ input: ONNXGraph.Value, node: ModuleNode, path: String, graph: inout ONNXGraph) throws -> ONNXGraph.Value {
        try node.children.reduce(input) { value, child in try graph.add(child, path: ModelIndex.join(path, child.name), input: value) }
    }
}
