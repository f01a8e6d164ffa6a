import JSON
import Kernels

/// `nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True, bias=True)`: each
/// sample's last `normalized_shape.count` dimensions are normalized by their own mean and
/// biased variance, then scaled and shifted elementwise. The same in train and eval mode.
struct LayerNormLayer: Layer {
    static let typeNames = ["layer_norm"]

    let normalizedShape: [Int]
    let eps: Double
    let weight: ParameterID?
    let bias: ParameterID?

    static func decode(_ spec: LayerSpec, decoder: inout SpecDecoder) throws -> LayerNormLayer {
        try spec.allow(["normalized_shape", "eps", "elementwise_affine", "bias"])
        let at = "\(spec.location).normalized_shape"
        let shape: [Int]
        switch spec.members["normalized_shape"] {
        case nil:
            throw NeuralNetError.invalidSpec(location: spec.location, reason: "is a layer_norm layer and needs \"normalized_shape\"")
        case .array(let items)?:
            guard (1...8).contains(items.count) else {
                throw NeuralNetError.invalidSpec(location: at, reason: "must list 1 to 8 dimensions, got \(items.count)")
            }
            shape = try items.enumerated().map { i, item in
                try readPositiveInteger(item, at: "\(at)[\(i)]", limit: decoder.limits.maxWidth, limitName: "width")
            }
        case let value?:
            shape = [try readPositiveInteger(value, at: at, limit: decoder.limits.maxWidth, limitName: "width")]
        }
        guard let count = Tensor.elementCount(shape), count <= decoder.limits.maxWidth else {
            throw NeuralNetError.limitExceeded(location: at, reason: "has more elements than the width limit \(decoder.limits.maxWidth)")
        }
        let eps = try spec.number("eps", default: 1e-5, in: 0...1)
        guard eps > 0 else { throw NeuralNetError.invalidSpec(location: "\(spec.location).eps", reason: "must be positive, got 0") }
        let affine = try spec.bool("elementwise_affine", default: true)
        let hasBias = try spec.bool("bias", default: true)
        let weight = affine ? decoder.newTensorID() : nil
        let bias = affine && hasBias ? decoder.newTensorID() : nil
        let layer = LayerNormLayer(normalizedShape: shape, eps: eps, weight: weight, bias: bias)
        try decoder.countParameters(of: layer, location: spec.location)
        return layer
    }

    var typeName: String { "layer_norm" }
    var className: String { "LayerNorm" }

    func encode(_ node: ModuleNode, in model: Model) -> [String: JSONValue] {
        var m: [String: JSONValue] = ["type": .string(typeName), "normalized_shape": .array(normalizedShape.map { .number(Double($0)) })]
        if eps != 1e-5 { m["eps"] = .number(eps) }
        if weight == nil { m["elementwise_affine"] = .bool(false) }
        if weight != nil && bias == nil { m["bias"] = .bool(false) }
        return m
    }

    var parameters: [LayerTensor] {
        (weight.map { [LayerTensor(name: "weight", id: $0, shape: normalizedShape)] } ?? [])
            + (bias.map { [LayerTensor(name: "bias", id: $0, shape: normalizedShape)] } ?? [])
    }

    func defaultInitializer(_ framework: Initializer.Framework, for tensor: LayerTensor) -> Initializer {
        tensor.role == .weight ? .ones : .zeros
    }

    func inferShape(_ input: FeatureShape, node: ModuleNode, context: inout ShapeContext) throws -> FeatureShape {
        let fits: Bool
        switch input {
        case .sample(let s): fits = s.count >= normalizedShape.count && Array(s.suffix(normalizedShape.count)) == normalizedShape
        case .lastDimension(let w): fits = normalizedShape.count == 1 ? w == normalizedShape[0] : true
        case .unknown: fits = true
        }
        guard fits else {
            let got = input.sample.map(formatShape) ?? "(…, \(input.width ?? 0))"
            throw context.mismatch(
                "\(context.layerName(typeName)) normalizes trailing dimensions \(formatShape(normalizedShape)) but receives samples of shape \(got)"
            )
        }
        return input
    }

    func inputDemand(_ node: ModuleNode, in layers: [any Layer]) -> InputDemand? { InputDemand(sample: normalizedShape) }

    private struct Record {
        let normalized: Tensor
        let inverseStd: [Double]
    }

    func forward(_ x: consuming Tensor, node: ModuleNode, context: inout ForwardContext) throws -> Tensor {
        let width = normalizedShape.reduce(1, *)
        let rows = x.count / width
        var inverseStd = [Double](repeating: 0, count: rows)
        let w = weight.map { context.value($0).scalars }
        let b = bias.map { context.value($0).scalars }
        var normalized = copy x
        var y = x
        normalized.withUnsafeMutableScalars { xh in
            y.withUnsafeMutableScalars { yp in
                guard let xh = xh.baseAddress, let yp = yp.baseAddress else { return }
                for r in 0..<rows {
                    let row = xh + r * width
                    let mean = sumAsDouble(row, count: width) / Double(width)
                    let squares = sumOfSquaredDeviations(row, count: width, from: mean)
                    let rstd = 1 / (squares / Double(width) + eps).squareRoot()
                    inverseStd[r] = rstd
                    withOptionalPointers(w, b) { scales, shifts in
                        normalize(row, into: yp + r * width, count: width, mean: mean, inverseStd: rstd, scales: scales, shifts: shifts)
                    }
                }
            }
        }
        if context.isRecording { context.save(Record(normalized: normalized, inverseStd: inverseStd)) }
        return y
    }

    /// dx = r/W · (W·g − Σg − x̂·Σ(g·x̂)) per row with g = dy·weight; dweight = Σ dy·x̂, dbias = Σ dy.
    func backward(_ dy: Tensor, node: ModuleNode, context: inout BackwardContext) -> Tensor {
        let record = context.pop(Record.self)
        let width = normalizedShape.reduce(1, *)
        let rows = record.inverseStd.count
        var dw = [Double](repeating: 0, count: width)
        var db = [Double](repeating: 0, count: width)
        let w = weight.map { context.store.values[$0]!.scalars }
        let needsInput = context.needsInputGradient
        var dx = needsInput ? dy : Tensor(zeros: [0])
        dy.withUnsafeScalars { d in
            record.normalized.withUnsafeScalars { xh in
                guard let d = d.baseAddress, let xh = xh.baseAddress else { return }
                for r in 0..<rows {
                    let base = r * width
                    for i in 0..<width {
                        let g = Double(d[base + i])
                        dw[i] += g * Double(xh[base + i])
                        db[i] += g
                    }
                    guard needsInput else { continue }
                    withOptionalPointers(w, nil) { scales, _ in
                        let (sumG, sumGXhat) = sumAndDotAsDouble(d + base, xh + base, count: width, scales: scales)
                        dx.withUnsafeMutableScalars { out in
                            guard let out = out.baseAddress else { return }
                            normalizationInputGradient(
                                out + base, normalized: xh + base, count: width, k: record.inverseStd[r] / Double(width),
                                total: Double(width), sumG: sumG, sumGXhat: sumGXhat, scales: scales)
                        }
                    }
                }
            }
        }
        if let weight {
            var g = context.takeGradient(weight, shape: normalizedShape)
            g.withUnsafeMutableScalars { p in for i in 0..<width { p[i] += Float(dw[i]) } }
            context.putGradient(weight, g)
        }
        if let bias {
            var g = context.takeGradient(bias, shape: normalizedShape)
            g.withUnsafeMutableScalars { p in for i in 0..<width { p[i] += Float(db[i]) } }
            context.putGradient(bias, g)
        }
        return dx
    }

    func describe(_ node: ModuleNode, in model: Model) -> String {
        let shape = "(" + normalizedShape.map(String.init).joined(separator: ", ") + (normalizedShape.count == 1 ? ",)" : ")")
        return
            "LayerNorm(\(shape), eps=\(eps), elementwise_affine=\(weight != nil ? "True" : "False"), bias=\(bias != nil ? "True" : "False"))"
    }

    /// `LayerNormalization` over the trailing axes (opset 17), with ones and zeros standing in
    /// for an absent weight or bias.
    func exportONNX(_ input: ONNXGraph.Value, node: ModuleNode, path: String, graph: inout ONNXGraph) throws -> ONNXGraph.Value {
        let name = graph.nodeName(path, self)
        let count = normalizedShape.reduce(1, *)
        let scale =
            weight.map { graph.parameterName($0) }
            ?? graph.floatConstant(name + ".weight", normalizedShape, [Float](repeating: 1, count: count))
        let shift =
            bias.map { graph.parameterName($0) }
            ?? graph.floatConstant(name + ".bias", normalizedShape, [Float](repeating: 0, count: count))
        return graph.emit(
            "LayerNormalization", name: name, inputs: [input.name, scale, shift],
            attributes: [.int("axis", -normalizedShape.count), .float("epsilon", Float(eps))], sample: input.sample)
    }
}
