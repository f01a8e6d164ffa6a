/// The few ONNX messages paramd writes, built as ``ProtobufMessage``s with the field numbers of
/// onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
/// ValueInfoProto, TypeProto, TensorShapeProto, OperatorSetIdProto, StringStringEntryProto).
enum ONNXMessages {
    /// `TensorProto.DataType.FLOAT`.
    static let float32 = 1
    /// `TensorProto.DataType.INT64`.
    static let int64 = 7

    /// One dimension of a value's shape: a size, or a symbol such as `batch`.
    enum Dimension: Sendable, Equatable {
        case size(Int)
        case symbol(String)
    }

    /// A node attribute.
    enum Attribute: Sendable {
        case int(String, Int)
        case float(String, Float)
        /// A list of integers (`kernel_shape`, `pads`).
        case ints(String, [Int])
        case tensor(String, shape: [Int], values: [Float])
        /// A tensor attribute given as a finished `TensorProto`.
        case tensorMessage(String, ProtobufMessage)
    }

    /// `ModelProto` holding `graph`, with one opset import of the default domain.
    static func model(irVersion: Int, opset: Int, producer: String, graph: ProtobufMessage, metadata: [(String, String)]) -> ProtobufMessage
    {
        var model = ProtobufMessage()
        model.append(1, int: irVersion)
        model.append(2, string: producer)
        model.append(7, message: graph)
        var opsetImport = ProtobufMessage()
        opsetImport.append(1, string: "")
        opsetImport.append(2, int: opset)
        model.append(8, message: opsetImport)
        for (key, value) in metadata {
            var entry = ProtobufMessage()
            entry.append(1, string: key)
            entry.append(2, string: value)
            model.append(14, message: entry)
        }
        return model
    }

    /// `GraphProto`: nodes in topological order, initializers, one input and one output.
    static func graph(
        name: String, nodes: [ProtobufMessage], initializers: [ProtobufMessage], input: ProtobufMessage, output: ProtobufMessage
    ) -> ProtobufMessage {
        var graph = ProtobufMessage()
        for node in nodes { graph.append(1, message: node) }
        graph.append(2, string: name)
        for initializer in initializers { graph.append(5, message: initializer) }
        graph.append(11, message: input)
        graph.append(12, message: output)
        return graph
    }

    /// `NodeProto` of an operator of the default domain.
    static func node(_ opType: String, name: String, inputs: [String], outputs: [String], attributes: [Attribute] = []) -> ProtobufMessage {
        var node = ProtobufMessage()
        for input in inputs { node.append(1, string: input) }
        for output in outputs { node.append(2, string: output) }
        node.append(3, string: name)
        node.append(4, string: opType)
        for attribute in attributes { node.append(5, message: Self.attribute(attribute)) }
        return node
    }

    /// `AttributeProto` with its `type` set, as checkers require.
    static func attribute(_ attribute: Attribute) -> ProtobufMessage {
        var message = ProtobufMessage()
        switch attribute {
        case .int(let name, let value):
            message.append(1, string: name)
            message.append(3, int: value)
            message.append(20, int: 2)
        case .float(let name, let value):
            message.append(1, string: name)
            message.append(2, float: value)
            message.append(20, int: 1)
        case .ints(let name, let values):
            message.append(1, string: name)
            for value in values { message.append(8, int: value) }
            message.append(20, int: 7)
        case .tensor(let name, let shape, let values):
            message.append(1, string: name)
            message.append(5, message: tensor(name: "", shape: shape, values: values))
            message.append(20, int: 4)
        case .tensorMessage(let name, let tensor):
            message.append(1, string: name)
            message.append(5, message: tensor)
            message.append(20, int: 4)
        }
        return message
    }

    /// A float32 `TensorProto` with its data as `raw_data` (little-endian).
    static func tensor(name: String, shape: [Int], values: [Float]) -> ProtobufMessage {
        var tensor = ProtobufMessage()
        for dimension in shape { tensor.append(1, int: dimension) }
        tensor.append(2, int: float32)
        if !name.isEmpty { tensor.append(8, string: name) }
        tensor.append(9, floatBytes: values)
        return tensor
    }

    /// `ValueInfoProto` of a tensor of `shape` (float32 unless `elementType` says otherwise).
    static func valueInfo(name: String, shape: [Dimension], elementType: Int = float32) -> ProtobufMessage {
        var dimensions = ProtobufMessage()
        for dimension in shape {
            var message = ProtobufMessage()
            switch dimension {
            case .size(let size): message.append(1, int: size)
            case .symbol(let symbol): message.append(2, string: symbol)
            }
            dimensions.append(1, message: message)
        }
        var tensorType = ProtobufMessage()
        tensorType.append(1, int: elementType)
        tensorType.append(2, message: dimensions)
        var type = ProtobufMessage()
        type.append(1, message: tensorType)
        var info = ProtobufMessage()
        info.append(1, string: name)
        info.append(2, message: type)
        return info
    }
}
