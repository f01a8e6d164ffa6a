import JSON
import Kernels

/// A standalone nonlinearity (`relu`, `leaky_relu`, …), elementwise or, for softmax, over the
/// last dimension.
struct ActivationLayer: Layer {
    static let names: [String: ActivationFunction] = [
        "relu": .relu, "sigmoid": .sigmoid, "tanh": .tanh, "gelu": .gelu, "softmax": .softmax,
        "identity": .identity, "leaky_relu": .leakyRelu(negativeSlope: 0.01)
    ]
    static let typeNames = ["relu", "sigmoid", "tanh", "gelu", "leaky_relu", "softmax", "identity"]

    let function: ActivationFunction

    static func decode(_ spec: LayerSpec, decoder: inout SpecDecoder) throws -> ActivationLayer {
        if spec.type == "leaky_relu" {
            try spec.allow(["negative_slope"])
            return ActivationLayer(function: try ActivationFunction.decodeLeakyRelu(spec.members, location: spec.location))
        }
        try spec.allow([])
        return ActivationLayer(function: names[spec.type]!)
    }

    var typeName: String { function.specName }
    var className: String {
        switch function {
        case .relu: "ReLU"
        case .gelu: "GELU"
        case .leakyRelu: "LeakyReLU"
        default: typeName.prefix(1).uppercased() + typeName.dropFirst()
        }
    }

    func encode(_ node: ModuleNode, in model: Model) -> [String: JSONValue] {
        var m: [String: JSONValue] = ["type": .string(function.specName)]
        if case .leakyRelu(let s) = function { m["negative_slope"] = .number(ActivationFunction.shortest(s)) }
        return m
    }

    func inferShape(_ input: FeatureShape, node: ModuleNode, context: inout ShapeContext) throws -> FeatureShape { input }

    private struct Record {
        let input: Tensor
        let output: Tensor
    }

    func forward(_ x: consuming Tensor, node: ModuleNode, context: inout ForwardContext) throws -> Tensor {
        if context.isRecording {
            let y = function.applied(to: x)
            context.save(Record(input: x, output: y))
            return y
        }
        var output = x
        function.applyInPlace(&output)
        return output
    }

    func backward(_ dy: Tensor, node: ModuleNode, context: inout BackwardContext) -> Tensor {
        let record = context.pop(Record.self)
        return function.backward(x: record.input, y: record.output, dy: dy)
    }

    func describe(_ node: ModuleNode, in model: Model) -> String { function.pytorchDescription }

    func exportONNX(_ input: ONNXGraph.Value, node: ModuleNode, path: String, graph: inout ONNXGraph) throws -> ONNXGraph.Value {
        graph.activate(function, name: graph.nodeName(path, self), input: input)
    }
}

/// An elementwise (or, for softmax, row-wise) nonlinearity that can stand alone or be fused
/// into a linear layer.
public enum ActivationFunction: Sendable, Equatable {
    case relu
    case sigmoid
    case tanh
    /// Exact erf form, PyTorch's default `approximate='none'`.
    case gelu
    case leakyRelu(negativeSlope: Float)
    /// Over the last dimension.
    case softmax
    case identity

    /// The spec name (`leaky_relu`).
    public var specName: String {
        switch self {
        case .relu: "relu"
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .gelu: "gelu"
        case .leakyRelu: "leaky_relu"
        case .softmax: "softmax"
        case .identity: "identity"
        }
    }

    /// The elementwise kernel, or nil for softmax, which works on rows.
    var kernel: Activation? {
        switch self {
        case .relu: .relu
        case .sigmoid: .sigmoid
        case .tanh: .tanh
        case .gelu: .gelu
        case .leakyRelu(let s): .leakyRelu(slope: s)
        case .identity: .identity
        case .softmax: nil
        }
    }

    /// As PyTorch prints the module (`LeakyReLU(negative_slope=0.01)`).
    var pytorchDescription: String {
        switch self {
        case .relu: "ReLU()"
        case .sigmoid: "Sigmoid()"
        case .tanh: "Tanh()"
        case .gelu: "GELU(approximate='none')"
        case .leakyRelu(let s): "LeakyReLU(negative_slope=\(s))"
        case .softmax: "Softmax(dim=-1)"
        case .identity: "Identity()"
        }
    }

    /// The spec form of a fused activation.
    var encoded: JSONValue {
        if case .leakyRelu(let s) = self {
            return .object(["type": .string("leaky_relu"), "negative_slope": .number(Self.shortest(s))])
        }
        return .string(specName)
    }

    /// The Double whose shortest text is the Float's (0.01, not 0.009999999776482582).
    static func shortest(_ x: Float) -> Double { Double("\(x)") ?? Double(x) }

    static func decodeLeakyRelu(_ members: [String: JSONValue], location: String) throws -> ActivationFunction {
        guard let slope = members["negative_slope"] else { return .leakyRelu(negativeSlope: 0.01) }
        return .leakyRelu(negativeSlope: Float(try readNumber(slope, at: "\(location).negative_slope")))
    }

    /// A linear layer's `activation`: a name, an object with `type` (and `negative_slope`),
    /// or null/`linear`/`identity`/`none` for none.
    static func decodeFused(_ value: JSONValue, location: String) throws -> ActivationFunction? {
        switch value {
        case .null: return nil
        case .string(let name):
            if name == "linear" || name == "identity" || name == "none" { return nil }
            guard let f = ActivationLayer.names[name] else {
                throw NeuralNetError.invalidSpec(
                    location: location,
                    reason: "must be one of relu, sigmoid, tanh, gelu, leaky_relu, softmax, identity; got \(value.shortDescription)")
            }
            return f
        case .object(let members):
            try rejectUnknownKeys(members, allowed: ["type", "negative_slope"], at: location)
            let type = try readString(members["type"] ?? .null, at: "\(location).type")
            if type == "leaky_relu" { return try decodeLeakyRelu(members, location: location) }
            if members["negative_slope"] != nil {
                throw NeuralNetError.invalidSpec(location: "\(location).negative_slope", reason: "only applies to leaky_relu")
            }
            return try decodeFused(.string(type), location: "\(location).type")
        default:
            throw NeuralNetError.invalidSpec(
                location: location, reason: "must be an activation name or object, got \(value.shortDescription)")
        }
    }

    func applied(to x: Tensor) -> Tensor {
        var y = x
        applyInPlace(&y)
        return y
    }

    func applyInPlace(_ y: inout Tensor) {
        let columns = y.shape.last ?? 1
        y.withUnsafeMutableScalars { yp in
            guard let base = yp.baseAddress, yp.count > 0 else { return }
            if let k = kernel {
                applyActivation(k, x: base, y: base, count: yp.count)
            } else {
                softmaxRows(base, base, rows: yp.count / columns, columns: columns)
            }
        }
    }

    func backward(x: Tensor, y: Tensor, dy: Tensor) -> Tensor {
        var dx = dy
        guard dx.count > 0 else { return dx }
        let columns = y.shape.last ?? 1
        x.withUnsafeScalars { xp in
            y.withUnsafeScalars { yp in
                dx.withUnsafeMutableScalars { d in
                    if let k = kernel {
                        Kernels.activationBackward(
                            k, x: xp.baseAddress!, y: yp.baseAddress!, dy: d.baseAddress!, dx: d.baseAddress!, count: d.count)
                    } else {
                        softmaxRowsBackward(
                            y: yp.baseAddress!, dy: d.baseAddress!, dx: d.baseAddress!, rows: d.count / columns, columns: columns)
                    }
                }
            }
        }
        return dx
    }
}
