/// The nodes and initializers of one export, built by walking the module tree in execution order.
struct ONNXGraph {
    /// A tensor flowing between nodes: its name and its shape without the batch dimension.
    struct Value {
        var name: String
        var sample: [ONNXMessages.Dimension]
    }

    /// A node whose output names may still change (the last one's becomes `output`).
    struct Node {
        var opType: String
        var name: String
        var inputs: [String]
        var outputs: [String]
        var attributes: [ONNXMessages.Attribute]

        var message: ProtobufMessage {
            ONNXMessages.node(opType, name: name, inputs: inputs, outputs: outputs, attributes: attributes)
        }
    }

    let model: Model
    private(set) var nodes: [Node] = []
    private(set) var initializers: [ProtobufMessage] = []
    private var initialized: Set<ParameterID> = []

    init(model: Model) { self.model = model }

    /// Adds the nodes of `node` (at module `path`) applied to `input`; returns their result.
    mutating func add(_ node: ModuleNode, path: String, input: Value) throws -> Value {
        try model.layers[node.layer].exportONNX(input, node: node, path: path, graph: &self)
    }

    /// The name of `layer`'s node at `path`: the path, or the layer's type at the root.
    func nodeName(_ path: String, _ layer: any Layer) -> String { path.isEmpty ? layer.typeName : path }

    /// Whether `value` is the graph's input and that input holds int64 indices (an embedding first).
    func isIntegerInput(_ value: Value) -> Bool {
        value.name == ONNXExport.inputName && model.inputDemand?.integers == true
    }

    /// Renames the graph's last tensor to `output` (an `Identity` when no node produced one).
    mutating func finish(output: Value) {
        guard output.name != ONNXExport.inputName, let last = nodes.indices.last, nodes[last].outputs == [output.name] else {
            nodes.append(
                Node(
                    opType: "Identity", name: ONNXExport.outputName, inputs: [output.name], outputs: [ONNXExport.outputName], attributes: []
                ))
            return
        }
        nodes[last].outputs = [ONNXExport.outputName]
    }

    mutating func activate(_ function: ActivationFunction, name: String, input: Value) -> Value {
        let sample = input.sample
        switch function {
        case .relu: return emit("Relu", name: name, inputs: [input.name], attributes: [], sample: sample)
        case .sigmoid: return emit("Sigmoid", name: name, inputs: [input.name], attributes: [], sample: sample)
        case .tanh: return emit("Tanh", name: name, inputs: [input.name], attributes: [], sample: sample)
        case .identity: return emit("Identity", name: name, inputs: [input.name], attributes: [], sample: sample)
        case .leakyRelu(let slope):
            return emit("LeakyRelu", name: name, inputs: [input.name], attributes: [.float("alpha", slope)], sample: sample)
        case .softmax:
            return emit("Softmax", name: name, inputs: [input.name], attributes: [.int("axis", -1)], sample: sample)
        case .gelu:
            // ½·x·(1 + erf(x/√2)), PyTorch's approximate='none'; Gelu itself needs opset 20.
            let root2 = constant(name + ".sqrt2", Float(2).squareRoot())
            let one = constant(name + ".one", 1)
            let half = constant(name + ".half", 0.5)
            let scaled = emit("Div", name: name + ".div", inputs: [input.name, root2], attributes: [], sample: sample)
            let erf = emit("Erf", name: name + ".erf", inputs: [scaled.name], attributes: [], sample: sample)
            let shifted = emit("Add", name: name + ".add", inputs: [erf.name, one], attributes: [], sample: sample)
            let product = emit("Mul", name: name + ".mul", inputs: [input.name, shifted.name], attributes: [], sample: sample)
            return emit("Mul", name: name, inputs: [product.name, half], attributes: [], sample: sample)
        }
    }

    /// A scalar `Constant` node; returns its output's name.
    mutating func constant(_ name: String, _ value: Float) -> String {
        emit("Constant", name: name, inputs: [], attributes: [.tensor("value", shape: [], values: [value])], sample: []).name
    }

    /// A float32 `Constant` node of `shape`; returns its output's name.
    mutating func floatConstant(_ name: String, _ shape: [Int], _ values: [Float]) -> String {
        emit("Constant", name: name, inputs: [], attributes: [.tensor("value", shape: shape, values: values)], sample: []).name
    }

    /// An int64 `Constant` node holding `values` (a shape, indices); returns its output's name.
    mutating func int64Constant(_ name: String, _ values: [Int]) -> String {
        var tensor = ProtobufMessage()
        tensor.append(1, int: values.count)
        tensor.append(2, int: ONNXMessages.int64)
        for v in values { tensor.append(7, int: v) }
        return emit("Constant", name: name, inputs: [], attributes: [.tensorMessage("value", tensor)], sample: []).name
    }

    /// Appends a node with one output, named after the node.
    mutating func emit(
        _ opType: String, name: String, inputs: [String], attributes: [ONNXMessages.Attribute], sample: [ONNXMessages.Dimension]
    ) -> Value {
        let output = name + ":0"
        nodes.append(Node(opType: opType, name: name, inputs: inputs, outputs: [output], attributes: attributes))
        return Value(name: output, sample: sample)
    }

    /// The initializer of `id`, added on first use under the parameter's first path.
    mutating func parameterName(_ id: ParameterID) -> String {
        let entry = model.index.entry(id)
        if initialized.insert(id).inserted, let value = model.store.values[id] {
            initializers.append(ONNXMessages.tensor(name: entry.path, shape: value.shape, values: value.scalars))
        }
        return entry.path
    }

    /// The initializer of buffer `id` (running statistics), added on first use under its first path.
    mutating func bufferName(_ id: ParameterID) -> String {
        let entry = model.index.bufferEntry(id)
        if initialized.insert(id).inserted, let value = model.store.buffers[id] {
            initializers.append(ONNXMessages.tensor(name: entry.path, shape: value.shape, values: value.scalars))
        }
        return entry.path
    }
}
