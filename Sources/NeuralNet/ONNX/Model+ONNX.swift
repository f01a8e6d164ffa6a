/// The ONNX dialect paramd writes.
public enum ONNXExport {
    /// Opset 17: every operator paramd needs, and old enough that runtimes from 2022 on load it.
    /// It lacks `Gelu` (opset 20), so exact GELU is written as its Erf formula.
    public static let opset = 17
    /// IR version 8, the one that goes with opset 17.
    public static let irVersion = 8
    /// The graph's input and output names.
    public static let inputName = "input"
    public static let outputName = "output"
}

extension Model {
    /// This model's forward pass as an ONNX model (protobuf bytes).
    ///
    /// The input `input` is float32 `[batch, …sample]` with a symbolic batch (the sample shape
    /// is the known input shape, else the first linear layer's width); the output is `output`.
    /// Linear layers are `Gemm` with `transB=1` on rank-2 inputs (`Transpose`, `MatMul`, `Add`
    /// beyond); activations are `Relu`, `Sigmoid`, `Tanh`, `LeakyRelu(alpha)`,
    /// `Softmax(axis=-1)`, `Identity`, and exact GELU as `½·x·(1 + Erf(x/√2))`; `flatten` is
    /// `Flatten(axis=1)`. Nodes are named by module path and initializers by state-dict path; a
    /// tied parameter is one initializer, under its first path, that every use refers to.
    /// - Parameters:
    ///   - graphName: the graph's name (the model's).
    ///   - metadata: `metadata_props` entries.
    /// - Throws: `notMaterialized` when a layer still waits for its input width.
    /// - Complexity: O(parameters); the encoded file is the only copy of the values.
    public func onnx(graphName: String, metadata: [(String, String)] = []) throws -> [UInt8] {
        try onnxMessage(graphName: graphName, metadata: metadata).encoded()
    }

    /// ``onnx(graphName:metadata:)`` as pieces to send one after the other, the initializers'
    /// values as the model's own arrays: a large model is exported without a copy of it.
    public func onnxPieces(graphName: String, metadata: [(String, String)] = []) throws -> [ONNXPiece] {
        try onnxMessage(graphName: graphName, metadata: metadata).pieces()
    }

    private func onnxMessage(graphName: String, metadata: [(String, String)]) throws -> ProtobufMessage {
        if let deferred = deferredParameterPaths.first { throw NeuralNetError.notMaterialized(path: deferred) }
        let sample: [ONNXMessages.Dimension] =
            inputShape.map { $0.map { .size($0) } } ?? inputDemand?.sample.map { $0.map { $0 < 0 ? .symbol("features") : .size($0) } } ?? [
                .symbol("features")
            ]
        var graph = ONNXGraph(model: self)
        let result = try graph.add(root, path: "", input: ONNXGraph.Value(name: ONNXExport.inputName, sample: sample))
        graph.finish(output: result)
        let message = ONNXMessages.model(
            irVersion: ONNXExport.irVersion, opset: ONNXExport.opset, producer: "paramd",
            graph: ONNXMessages.graph(
                name: graphName, nodes: graph.nodes.map(\.message), initializers: graph.initializers,
                input: ONNXMessages.valueInfo(
                    name: ONNXExport.inputName, shape: [.symbol("batch")] + sample,
                    elementType: inputDemand?.integers == true ? ONNXMessages.int64 : ONNXMessages.float32),
                output: ONNXMessages.valueInfo(name: ONNXExport.outputName, shape: [.symbol("batch")] + result.sample)),
            metadata: metadata)
        return message
    }
}
