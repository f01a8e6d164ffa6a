import JSON
import Kernels

/// A fully connected layer `y = f(x·Wᵀ + b)` over the last dimension: `nn.Linear`, or a
/// Gluon/Keras `dense` with a fused activation and an input width learned later.
public struct LinearLayer: Layer, Equatable {
    static let typeNames = ["linear", "dense"]

    /// Input width; nil while deferred (learned from the first forward pass or an input_shape).
    public internal(set) var inFeatures: Int?
    public let outFeatures: Int
    /// Shape (out, in).
    public let weight: ParameterID
    /// Shape (out), or nil for `"bias": false`.
    public let bias: ParameterID?
    /// A fused activation applied after the affine map, or nil.
    public let activation: ActivationFunction?

    static func decode(_ spec: LayerSpec, decoder: inout SpecDecoder) throws -> LinearLayer {
        try spec.allow(["in", "out", "bias", "activation"])
        guard spec.members["out"] != nil else {
            throw NeuralNetError.invalidSpec(
                location: spec.location, reason: "is a linear layer and needs \"out\", its number of output features")
        }
        let out = try spec.positiveInteger("out", limit: decoder.limits.maxWidth)
        var inFeatures: Int?
        if let inValue = spec.members["in"], inValue != .null {
            inFeatures = try readPositiveInteger(inValue, at: "\(spec.location).in", limit: decoder.limits.maxWidth, limitName: "width")
        }
        let hasBias = try spec.bool("bias", default: true)
        let activation = try spec.members["activation"].flatMap {
            try ActivationFunction.decodeFused($0, location: "\(spec.location).activation")
        }
        let layer = LinearLayer(
            inFeatures: inFeatures, outFeatures: out, weight: decoder.newTensorID(), bias: hasBias ? decoder.newTensorID() : nil,
            activation: activation)
        try decoder.countParameters(of: layer, location: spec.location)
        return layer
    }

    var typeName: String { "linear" }
    var className: String { "Linear" }
    var sizeLabel: String { "linear \(inFeatures.map(String.init) ?? "?")→\(outFeatures)" }

    func encode(_ node: ModuleNode, in model: Model) -> [String: JSONValue] {
        var m: [String: JSONValue] = ["type": .string("linear"), "out": .number(Double(outFeatures))]
        if let i = inFeatures { m["in"] = .number(Double(i)) }
        if bias == nil { m["bias"] = .bool(false) }
        if let f = activation { m["activation"] = f.encoded }
        return m
    }

    var parameters: [LayerTensor] {
        [LayerTensor(name: "weight", id: weight, shape: inFeatures.map { [outFeatures, $0] })]
            + (bias.map { [LayerTensor(name: "bias", id: $0, shape: inFeatures.map { _ in [outFeatures] })] } ?? [])
    }

    /// `parameters` without building it: five allocations a linear layer on every forward pass.
    func hasPendingValues(in store: ParameterStore) -> Bool {
        inFeatures != nil && (store.values[weight] == nil || bias.map { store.values[$0] == nil } ?? false)
    }

    func defaultInitializer(_ framework: Initializer.Framework, for tensor: LayerTensor) -> Initializer {
        switch (framework, tensor.role) {
        case (.pytorch, .weight): return .kaimingUniform(a: (5.0).squareRoot(), mode: .fanIn, nonlinearity: .leakyRelu)
        case (.pytorch, .bias):
            // nn.Linear.reset_parameters: bound = 1/√fan_in of the weight.
            let fanIn = Double(inFeatures ?? 1)
            return .uniform(a: -1 / fanIn.squareRoot(), b: 1 / fanIn.squareRoot())
        case (.mxnet, .weight): return .uniform(a: -0.07, b: 0.07)
        case (.keras, .weight): return .xavierUniform(gain: 1)
        case (.mxnet, .bias), (.keras, .bias): return .zeros
        }
    }

    mutating func adoptStoredShape(_ shape: [Int], of tensor: LayerTensor, path: String, limits: ModelLimits) throws {
        if tensor.role == .bias && shape == [outFeatures] { return }  // a bias does not tell the width
        guard tensor.role == .weight, shape.count == 2, shape[0] == outFeatures, shape[1] >= 1, shape[1] <= limits.maxWidth else {
            let expected = tensor.role == .weight ? [outFeatures, shape.count == 2 ? shape[1] : 1] : [outFeatures]
            throw NeuralNetError.shapeMismatch(path: path, expected: expected, got: shape)
        }
        inFeatures = shape[1]
    }

    var learnsWidth: Bool { inFeatures == nil }

    mutating func inferShape(_ input: FeatureShape, node: ModuleNode, context: inout ShapeContext) throws -> FeatureShape {
        defer { context.sawWidthLayer = true }
        let out = input.replacingLastDimension(with: outFeatures)
        guard let width = input.width else { return out }
        if let expected = inFeatures {
            guard expected == width else { throw Self.mismatch(context, expected: expected, got: width) }
        } else {
            guard width > 0 else {
                throw NeuralNetError.incompatibleInput(
                    "layer '\(context.path)' (linear) would receive 0 features: an input needs at least one feature to set the layer's width"
                )
            }
            guard width <= context.limits.maxWidth else {
                throw context.limitError(
                    "layer '\(context.path)' (linear) would receive \(width) features, over the width limit \(context.limits.maxWidth)")
            }
            inFeatures = width
        }
        return out
    }

    private static func mismatch(_ context: ShapeContext, expected: Int, got: Int) -> NeuralNetError {
        let layer = context.layerName("linear")
        let first = !context.sawWidthLayer
        switch context.widthContext {
        case .spec:
            let source = first ? "the input_shape gives" : "the layers before it give"
            return .invalidSpec(location: "spec:", reason: "\(layer) expects \(expected) input features but \(source) \(got)")
        case .input(let shape):
            if first {
                return .incompatibleInput("input has \(got) features but \(layer) expects \(expected) (input shape \(formatShape(shape)))")
            }
            return .incompatibleInput(
                "\(layer) expects \(expected) input features but receives \(got) from the layers before it (input shape \(formatShape(shape)))"
            )
        }
    }

    func inputDemand(_ node: ModuleNode, in layers: [any Layer]) -> InputDemand? { InputDemand(sample: inFeatures.map { [$0] }) }

    /// What backward needs: the input, and the pre-activation and output of a fused activation.
    private struct Record {
        let input: Tensor
        let preActivation: Tensor?
        let output: Tensor
    }

    func forward(_ x: consuming Tensor, node: ModuleNode, context: inout ForwardContext) throws -> Tensor {
        let inF = inFeatures!
        let out = outFeatures
        let rows = inF == 0 ? 0 : x.count / inF
        let w = context.value(weight)
        // gemm with beta = 0 writes every element of C without reading it, so no zero fill.
        var y = [Float](unsafeUninitializedCapacity: rows * out) { _, count in count = rows * out }
        if rows > 0 {
            x.withUnsafeScalars { xp in
                w.withUnsafeScalars { wp in
                    y.withUnsafeMutableBufferPointer { yp in
                        gemm(
                            .none, .transposed, m: rows, n: out, k: inF, a: xp.baseAddress!, lda: inF, b: wp.baseAddress!, ldb: inF,
                            c: yp.baseAddress!, ldc: out)
                        if let b = bias {
                            context.value(b).withUnsafeScalars { addBias($0.baseAddress!, to: yp.baseAddress!, rows: rows, columns: out) }
                        }
                    }
                }
            }
        }
        // The input's shape with its last dimension replaced: one copy, where `dropLast() + [out]`
        // made three arrays on every layer of every pass.
        var shape = x.shape
        if shape.isEmpty { shape = [out] } else { shape[shape.count - 1] = out }
        var z = Tensor(validShape: shape, scalars: y)
        guard let f = activation else {
            if context.isRecording { context.save(Record(input: x, preActivation: nil, output: z)) }
            return z
        }
        if context.isRecording {
            let output = f.applied(to: z)
            context.save(Record(input: x, preActivation: z, output: output))
            return output
        }
        f.applyInPlace(&z)
        return z
    }

    /// Adds dW += dYᵀ·X and db += Σ dY; returns dX = dY·W (empty when not needed).
    func backward(_ dy: Tensor, node: ModuleNode, context: inout BackwardContext) -> Tensor {
        let record = context.pop(Record.self)
        var dy = dy
        if let f = activation, let pre = record.preActivation { dy = f.backward(x: pre, y: record.output, dy: dy) }
        let x = record.input
        let needsInputGradient = context.needsInputGradient
        let inF = inFeatures!
        let out = outFeatures
        let rows = x.count / inF
        let w = context.store.values[weight]!
        var dW = context.takeGradient(weight, shape: w.shape)
        var dX = Tensor(zeros: needsInputGradient ? x.shape : [0])
        if rows > 0 {
            x.withUnsafeScalars { xp in
                dy.withUnsafeScalars { dyp in
                    dW.withUnsafeMutableScalars { dwp in
                        gemm(
                            .transposed, .none, m: out, n: inF, k: rows, a: dyp.baseAddress!, lda: out, b: xp.baseAddress!, ldb: inF,
                            beta: 1, c: dwp.baseAddress!, ldc: inF)
                    }
                    if needsInputGradient {
                        w.withUnsafeScalars { wp in
                            dX.withUnsafeMutableScalars { dxp in
                                gemm(
                                    .none, .none, m: rows, n: inF, k: out, a: dyp.baseAddress!, lda: out, b: wp.baseAddress!, ldb: inF,
                                    c: dxp.baseAddress!, ldc: inF)
                            }
                        }
                    }
                }
            }
        }
        context.putGradient(weight, dW)
        if let b = bias {
            var db = context.takeGradient(b, shape: [out])
            if rows > 0 {
                dy.withUnsafeScalars { dyp in
                    db.withUnsafeMutableScalars {
                        sumRows(dyp.baseAddress!, rows: rows, columns: out, into: $0.baseAddress!, accumulate: true)
                    }
                }
            }
            context.putGradient(b, db)
        }
        return dX
    }

    func describe(_ node: ModuleNode, in model: Model) -> String {
        let inText = inFeatures.map(String.init) ?? "?"
        var text = "Linear(in_features=\(inText), out_features=\(outFeatures), bias=\(bias != nil ? "True" : "False")"
        if let f = activation { text += ", activation=\(f.pytorchDescription)" }
        return text + ")"
    }

    func exportONNX(_ input: ONNXGraph.Value, node: ModuleNode, path: String, graph: inout ONNXGraph) throws -> ONNXGraph.Value {
        let name = graph.nodeName(path, self)
        let weightName = graph.parameterName(weight)
        let biasName = bias.map { graph.parameterName($0) }
        let sample = Array(input.sample.dropLast()) + [ONNXMessages.Dimension.size(outFeatures)]
        var output: ONNXGraph.Value
        if input.sample.count == 1 {
            output = graph.emit(
                "Gemm", name: name, inputs: [input.name, weightName] + (biasName.map { [$0] } ?? []),
                attributes: [.int("transB", 1)], sample: sample)
        } else {
            let transposed = graph.emit("Transpose", name: name + ".transpose", inputs: [weightName], attributes: [], sample: [])
            output = graph.emit("MatMul", name: name, inputs: [input.name, transposed.name], attributes: [], sample: sample)
            if let biasName {
                output = graph.emit("Add", name: name + ".bias", inputs: [output.name, biasName], attributes: [], sample: sample)
            }
        }
        if let f = activation { output = graph.activate(f, name: name + "." + f.specName, input: output) }
        return output
    }
}
