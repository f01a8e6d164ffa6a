import JSON

/// `nn.Embedding(num_embeddings, embedding_dim, padding_idx=None)`: integer indices of any
/// shape `(N, …)` become rows of the weight, `(N, …, embedding_dim)`. Indices arrive as
/// Float32 holding integers (JSON integers, or raw int64/int32 converted on the way in); a
/// fraction or an index outside `0..<num_embeddings` is refused naming the layer. The row at
/// `padding_idx` starts at zero and gets no gradient, as in PyTorch.
struct EmbeddingLayer: Layer {
    static let typeNames = ["embedding"]

    let numEmbeddings: Int
    let embeddingDim: Int
    /// Non-negative (a negative spec value counts from the end, as PyTorch resolves it).
    let paddingIndex: Int?
    let weight: ParameterID

    static func decode(_ spec: LayerSpec, decoder: inout SpecDecoder) throws -> EmbeddingLayer {
        try spec.allow(["num_embeddings", "embedding_dim", "padding_idx", "max_norm", "norm_type", "scale_grad_by_freq", "sparse"])
        let count = try spec.positiveInteger(
            "num_embeddings", limit: 1 << 24, limitName: "index (Float32 holds integers exactly up to 2^24)")
        let dim = try spec.positiveInteger("embedding_dim", limit: decoder.limits.maxWidth)
        var padding: Int?
        if let value = spec.members["padding_idx"], value != .null {
            guard case .number(let d) = value, d == d.rounded(.towardZero), d >= -Double(count), d < Double(count) else {
                throw NeuralNetError.invalidSpec(
                    location: "\(spec.location).padding_idx",
                    reason: "must be an integer in -\(count)..<\(count) (num_embeddings), got \(value.shortDescription)")
            }
            padding = d < 0 ? Int(d) + count : Int(d)
        }
        for key in ["max_norm"] where spec.members[key] != nil && spec.members[key] != .null {
            throw NeuralNetError.invalidSpec(location: "\(spec.location).\(key)", reason: "is not supported (only null, PyTorch's default)")
        }
        _ = try spec.number("norm_type", default: 2)  // only used with max_norm
        for key in ["scale_grad_by_freq", "sparse"] where try spec.bool(key, default: false) {
            throw NeuralNetError.invalidSpec(
                location: "\(spec.location).\(key)", reason: "is not supported (only false, PyTorch's default)")
        }
        let layer = EmbeddingLayer(numEmbeddings: count, embeddingDim: dim, paddingIndex: padding, weight: decoder.newTensorID())
        try decoder.countParameters(of: layer, location: spec.location)
        return layer
    }

    var typeName: String { "embedding" }
    var sizeLabel: String { "embedding \(numEmbeddings)×\(embeddingDim)" }

    func encode(_ node: ModuleNode, in model: Model) -> [String: JSONValue] {
        var m: [String: JSONValue] = [
            "type": .string(typeName), "num_embeddings": .number(Double(numEmbeddings)), "embedding_dim": .number(Double(embeddingDim))
        ]
        if let paddingIndex { m["padding_idx"] = .number(Double(paddingIndex)) }
        return m
    }

    var parameters: [LayerTensor] { [LayerTensor(name: "weight", id: weight, shape: [numEmbeddings, embeddingDim])] }

    /// The padding row starts at zero, whatever filled the rest (`_fill_padding_idx_with_zero`).
    func finishCreation(_ value: inout Tensor, of tensor: LayerTensor) {
        guard let paddingIndex else { return }
        let dim = embeddingDim
        value.withUnsafeMutableScalars { p in for j in 0..<dim { p[paddingIndex * dim + j] = 0 } }
    }

    /// PyTorch: N(0, 1) (the padding row then zeroed);
    /// Keras: U(−0.05, 0.05); Gluon: U(−0.07, 0.07).
    func defaultInitializer(_ framework: Initializer.Framework, for tensor: LayerTensor) -> Initializer {
        switch framework {
        case .pytorch: .normal(mean: 0, std: 1)
        case .keras: .uniform(a: -0.05, b: 0.05)
        case .mxnet: .uniform(a: -0.07, b: 0.07)
        }
    }

    func inferShape(_ input: FeatureShape, node: ModuleNode, context: inout ShapeContext) throws -> FeatureShape {
        guard case .sample(let s) = input else { return .lastDimension(embeddingDim) }
        let out = s + [embeddingDim]
        try context.checkSize(out, what: typeName)
        return .sample(out)
    }

    func inputDemand(_ node: ModuleNode, in layers: [any Layer]) -> InputDemand? { InputDemand(sample: [-1], integers: true) }

    func forward(_ x: consuming Tensor, node: ModuleNode, context: inout ForwardContext) throws -> Tensor {
        let indices = try self.indices(of: x, path: context.path)
        let table = context.value(weight)
        let dim = embeddingDim
        var y = [Float](repeating: 0, count: indices.count * dim)
        table.withUnsafeScalars { t in
            y.withUnsafeMutableBufferPointer { out in
                for (k, index) in indices.enumerated() {
                    (out.baseAddress! + k * dim).update(from: t.baseAddress! + index * dim, count: dim)
                }
            }
        }
        if context.isRecording { context.save(indices) }
        return Tensor(validShape: x.shape + [dim], scalars: y)
    }

    /// The indices `x` holds, refusing a fraction or one out of range before any lookup.
    func indices(of x: Tensor, path: String) throws -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(x.count)
        for v in x.scalars {
            guard v == v.rounded(.towardZero), v >= 0, v < Float(numEmbeddings) else {
                throw NeuralNetError.incompatibleInput(
                    "layer '\(path)' (embedding) takes integer indices in 0..<\(numEmbeddings) (num_embeddings), got \(v.isFinite && v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)")"
                )
            }
            result.append(Int(v))
        }
        return result
    }

    /// Adds each output row's gradient into the weight row it came from (the padding row excepted).
    func backward(_ dy: Tensor, node: ModuleNode, context: inout BackwardContext) -> Tensor {
        let indices = context.pop([Int].self)
        let dim = embeddingDim
        var g = context.takeGradient(weight, shape: [numEmbeddings, dim])
        g.withUnsafeMutableScalars { gp in
            dy.withUnsafeScalars { d in
                for (k, index) in indices.enumerated() where index != paddingIndex {
                    for j in 0..<dim { gp[index * dim + j] += d[k * dim + j] }
                }
            }
        }
        context.putGradient(weight, g)
        return Tensor(zeros: [0])
    }

    func describe(_ node: ModuleNode, in model: Model) -> String {
        "Embedding(\(numEmbeddings), \(embeddingDim)" + (paddingIndex.map { ", padding_idx=\($0)" } ?? "") + ")"
    }

    /// `Gather(weight, input)` along axis 0, the input cast to int64 first when it is float.
    func exportONNX(_ input: ONNXGraph.Value, node: ModuleNode, path: String, graph: inout ONNXGraph) throws -> ONNXGraph.Value {
        let name = graph.nodeName(path, self)
        let table = graph.parameterName(weight)
        let indices =
            graph.isIntegerInput(input)
            ? input.name
            : graph.emit(
                "Cast", name: name + ".cast", inputs: [input.name], attributes: [.int("to", ONNXMessages.int64)], sample: input.sample
            ).name
        return graph.emit(
            "Gather", name: name, inputs: [table, indices], attributes: [.int("axis", 0)], sample: input.sample + [.size(embeddingDim)])
    }
}
