import JSON

/// `nn.Flatten(start_dim=1, end_dim=-1)`: folds the dimensions `start_dim…end_dim` of the
/// whole input (batch is dimension 0) into one; negative dimensions count from the end.
struct FlattenLayer: Layer {
    static let typeNames = ["flatten"]

    let startDim: Int
    let endDim: Int

    static func decode(_ spec: LayerSpec, decoder: inout SpecDecoder) throws -> FlattenLayer {
        try spec.allow(["start_dim", "end_dim"])
        func dim(_ key: String, _ defaultValue: Int) throws -> Int {
            guard let value = spec.members[key] else { return defaultValue }
            guard case .number(let d) = value, d == d.rounded(.towardZero), abs(d) <= 8 else {
                throw NeuralNetError.invalidSpec(
                    location: "\(spec.location).\(key)", reason: "must be an integer from -8 to 8, got \(value.shortDescription)")
            }
            return Int(d)
        }
        let start = try dim("start_dim", 1)
        let end = try dim("end_dim", -1)
        guard start != 0 else {
            throw NeuralNetError.invalidSpec(
                location: "\(spec.location).start_dim",
                reason: "must not be 0: the batch dimension stays (use 1 or more, or a negative dimension)")
        }
        if start > 0 && end > 0 && end < start {
            throw NeuralNetError.invalidSpec(
                location: "\(spec.location).end_dim", reason: "must not come before start_dim (\(start)), got \(end)")
        }
        if start < 0 && end < 0 && end < start {
            throw NeuralNetError.invalidSpec(
                location: "\(spec.location).end_dim", reason: "must not come before start_dim (\(start)), got \(end)")
        }
        return FlattenLayer(startDim: start, endDim: end)
    }

    var typeName: String { "flatten" }

    func encode(_ node: ModuleNode, in model: Model) -> [String: JSONValue] {
        var m: [String: JSONValue] = ["type": .string("flatten")]
        if startDim != 1 { m["start_dim"] = .number(Double(startDim)) }
        if endDim != -1 { m["end_dim"] = .number(Double(endDim)) }
        return m
    }

    /// The first and last folded dimension of an input of `rank` (batch included), or nil
    /// when they fall outside it or the first would be the batch.
    func range(rank: Int) -> ClosedRange<Int>? {
        let start = startDim < 0 ? startDim + rank : startDim
        let end = endDim < 0 ? endDim + rank : endDim
        guard start >= 1, end < rank, start <= end else { return nil }
        return start...end
    }

    /// The output shape for an input shape (batch included), once `range(rank:)` holds.
    func flattened(_ shape: [Int], _ r: ClosedRange<Int>) -> [Int] {
        Array(shape[..<r.lowerBound]) + [shape[r].reduce(1, *)] + Array(shape[(r.upperBound + 1)...])
    }

    func inferShape(_ input: FeatureShape, node: ModuleNode, context: inout ShapeContext) throws -> FeatureShape {
        switch input {
        case .sample(let s):
            guard let r = range(rank: s.count + 1) else {
                throw context.mismatch(
                    "\(context.layerName("flatten")) cannot fold dimensions \(startDim) to \(endDim) of an input of rank \(s.count + 1)")
            }
            guard let n = Tensor.elementCount(Array(s[(r.lowerBound - 1)...(r.upperBound - 1)])), n <= context.limits.maxWidth else {
                throw context.limitError(
                    "flatten at '\(context.path)' would give more features than the width limit \(context.limits.maxWidth)")
            }
            return .sample(Array(flattened([1] + s, r).dropFirst()))
        case .lastDimension(let w) where endDim < -1:
            return .lastDimension(w)
        default:
            return .unknown
        }
    }

    func inputDemand(_ node: ModuleNode, in layers: [any Layer]) -> InputDemand? { InputDemand(sample: nil) }

    func forward(_ x: consuming Tensor, node: ModuleNode, context: inout ForwardContext) throws -> Tensor {
        guard let r = range(rank: x.rank) else {
            throw NeuralNetError.incompatibleInput(
                "layer '\(context.path)' (flatten) cannot fold dimensions \(startDim) to \(endDim) of an input of rank \(x.rank)")
        }
        if context.isRecording { context.save(x.shape) }
        return x.reshaped(flattened(x.shape, r))
    }

    func backward(_ dy: Tensor, node: ModuleNode, context: inout BackwardContext) -> Tensor {
        dy.reshaped(context.pop([Int].self))
    }

    func describe(_ node: ModuleNode, in model: Model) -> String { "Flatten(start_dim=\(startDim), end_dim=\(endDim))" }

    func exportONNX(_ input: ONNXGraph.Value, node: ModuleNode, path: String, graph: inout ONNXGraph) throws -> ONNXGraph.Value {
        let name = graph.nodeName(path, self)
        let rank = input.sample.count + 1
        let r = range(rank: rank) ?? 1...(rank - 1)
        let folded = input.sample[(r.lowerBound - 1)...(r.upperBound - 1)]
        let size: ONNXMessages.Dimension
        if folded.count == 1 {
            size = folded.first!
        } else if folded.allSatisfy({ if case .size = $0 { true } else { false } }) {
            size = .size(
                folded.reduce(1) { product, dimension in
                    if case .size(let n) = dimension { return product * n }
                    return product
                })
        } else {
            size = .symbol(name + ".features")
        }
        let sample = Array(input.sample[..<(r.lowerBound - 1)]) + [size] + Array(input.sample[r.upperBound...])
        if r.lowerBound == 1 && r.upperBound == rank - 1 {
            return graph.emit("Flatten", name: name, inputs: [input.name], attributes: [.int("axis", 1)], sample: sample)
        }
        // Reshape: 0 keeps a leading dimension, -1 is the folded one, trailing sizes are explicit.
        let trailing = input.sample[r.upperBound...].map { dimension -> Int in
            if case .size(let n) = dimension { return n }
            return -1
        }
        let target = [Int](repeating: 0, count: r.lowerBound) + [-1] + trailing
        let shape = graph.int64Constant(name + ".shape", target)
        return graph.emit("Reshape", name: name, inputs: [input.name, shape], attributes: [], sample: sample)
    }
}
