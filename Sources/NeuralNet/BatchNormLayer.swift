import JSON
import Kernels

/// `nn.BatchNorm1d` (input `(N, C)` or `(N, C, L)`) and `nn.BatchNorm2d` (`(N, C, H, W)`):
/// per channel, `y = (x − mean) / √(var + eps) · weight + bias`.
///
/// In train mode (or without running statistics) mean and biased variance are the batch's,
/// and the running ones move by `momentum` toward the batch mean and the unbiased variance
/// (`momentum: null` is the cumulative average, `1 / num_batches_tracked`); in eval mode the
/// running statistics normalize. Statistics accumulate in Double, as PyTorch's CPU kernel does.
struct BatchNormLayer: Layer {
    static let typeNames = ["batch_norm1d", "batch_norm2d"]

    /// 1 or 2: which of `BatchNorm1d` / `BatchNorm2d`.
    let dimensions: Int
    let numFeatures: Int
    let eps: Double
    /// Nil: the cumulative moving average.
    let momentum: Double?
    let weight: ParameterID?
    let bias: ParameterID?
    /// running_mean, running_var, num_batches_tracked; nil without `track_running_stats`.
    let running: (mean: ParameterID, variance: ParameterID, count: ParameterID)?

    static func decode(_ spec: LayerSpec, decoder: inout SpecDecoder) throws -> BatchNormLayer {
        try spec.allow(["num_features", "eps", "momentum", "affine", "track_running_stats", "bias"])
        let numFeatures = try spec.positiveInteger("num_features", limit: decoder.limits.maxWidth)
        let eps = try spec.number("eps", default: 1e-5, in: 0...1)
        guard eps > 0 else { throw NeuralNetError.invalidSpec(location: "\(spec.location).eps", reason: "must be positive, got 0") }
        var momentum: Double? = 0.1
        if let value = spec.members["momentum"] {
            momentum = value == .null ? nil : try spec.number("momentum", default: 0.1, in: 0...1)
        }
        let affine = try spec.bool("affine", default: true)
        let tracks = try spec.bool("track_running_stats", default: true)
        let hasBias = try spec.bool("bias", default: true)
        let weight = affine ? decoder.newTensorID() : nil
        let bias = affine && hasBias ? decoder.newTensorID() : nil
        let running = tracks ? (decoder.newTensorID(), decoder.newTensorID(), decoder.newTensorID()) : nil
        let layer = BatchNormLayer(
            dimensions: spec.type == "batch_norm2d" ? 2 : 1, numFeatures: numFeatures, eps: eps, momentum: momentum, weight: weight,
            bias: bias, running: running)
        try decoder.countParameters(of: layer, location: spec.location)
        return layer
    }

    var typeName: String { "batch_norm\(dimensions)d" }
    var className: String { "BatchNorm\(dimensions)d" }

    func encode(_ node: ModuleNode, in model: Model) -> [String: JSONValue] {
        var m: [String: JSONValue] = ["type": .string(typeName), "num_features": .number(Double(numFeatures))]
        if eps != 1e-5 { m["eps"] = .number(eps) }
        if momentum != 0.1 { m["momentum"] = momentum.map(JSONValue.number) ?? .null }
        if weight == nil { m["affine"] = .bool(false) }
        if weight != nil && bias == nil { m["bias"] = .bool(false) }
        if running == nil { m["track_running_stats"] = .bool(false) }
        return m
    }

    var parameters: [LayerTensor] {
        (weight.map { [LayerTensor(name: "weight", id: $0, shape: [numFeatures])] } ?? [])
            + (bias.map { [LayerTensor(name: "bias", id: $0, shape: [numFeatures])] } ?? [])
    }

    var buffers: [LayerTensor] {
        guard let running else { return [] }
        return [
            LayerTensor(name: "running_mean", id: running.mean, shape: [numFeatures]),
            LayerTensor(name: "running_var", id: running.variance, shape: [numFeatures], initialValue: 1),
            LayerTensor(name: "num_batches_tracked", id: running.count, shape: [], dtype: .int64)
        ]
    }

    func defaultInitializer(_ framework: Initializer.Framework, for tensor: LayerTensor) -> Initializer {
        tensor.role == .weight ? .ones : .zeros
    }

    func inferShape(_ input: FeatureShape, node: ModuleNode, context: inout ShapeContext) throws -> FeatureShape {
        guard case .sample(let s) = input else { return input }
        let ranks = dimensions == 1 ? [1, 2] : [3]
        guard ranks.contains(s.count), s[0] == numFeatures else {
            let wanted = dimensions == 1 ? "(N, \(numFeatures)) or (N, \(numFeatures), L)" : "(N, \(numFeatures), H, W)"
            throw context.mismatch(
                "\(context.layerName(typeName)) expects input of shape \(wanted) but receives (N, \(s.map(String.init).joined(separator: ", ")))"
            )
        }
        return input
    }

    func inputDemand(_ node: ModuleNode, in layers: [any Layer]) -> InputDemand? {
        InputDemand(sample: dimensions == 1 ? [numFeatures] : [numFeatures, -1, -1])
    }

    /// What backward needs: the normalized input, the inverse deviations, the layout.
    private struct Record {
        let normalized: Tensor
        let inverseStd: [Double]
        let batch: Int
        let spatial: Int
    }

    func forward(_ x: consuming Tensor, node: ModuleNode, context: inout ForwardContext) throws -> Tensor {
        let (n, c) = (x.shape[0], numFeatures)
        let spatial = x.rank > 2 ? x.shape[2...].reduce(1, *) : 1
        let useBatch = context.training || running == nil
        var mean = [Double](repeating: 0, count: c)
        var variance = [Double](repeating: 0, count: c)
        if useBatch {
            let count = n * spatial
            guard count > 1 || !context.training else {
                throw NeuralNetError.incompatibleInput(
                    "layer '\(context.path)' (\(typeName)) needs more than 1 value per channel in train mode, got input shape \(formatShape(x.shape))"
                )
            }
            x.withUnsafeScalars { p in
                guard let p = p.baseAddress else { return }
                for ch in 0..<c {
                    var sum = 0.0
                    for b in 0..<n { sum += sumAsDouble(p + (b * c + ch) * spatial, count: spatial) }
                    let m = sum / Double(count)
                    var squares = 0.0
                    for b in 0..<n { squares += sumOfSquaredDeviations(p + (b * c + ch) * spatial, count: spatial, from: m) }
                    mean[ch] = m
                    variance[ch] = squares / Double(count)
                }
            }
            if context.training, let running, count > 0 {
                updateRunning(running, mean: mean, biasedVariance: variance, count: count, context: &context)
            }
        } else if let running {
            mean = context.buffer(running.mean).scalars.map(Double.init)
            variance = context.buffer(running.variance).scalars.map(Double.init)
        }
        let inverseStd = variance.map { 1 / ($0 + eps).squareRoot() }
        let w = weight.map { context.value($0).scalars }
        let b = bias.map { context.value($0).scalars }
        var normalized = copy x
        var y = x
        normalized.withUnsafeMutableScalars { xh in
            y.withUnsafeMutableScalars { yp in
                guard let xh = xh.baseAddress, let yp = yp.baseAddress else { return }
                for batch in 0..<n {
                    for ch in 0..<c {
                        let base = (batch * c + ch) * spatial
                        normalize(
                            xh + base, into: yp + base, count: spatial, mean: mean[ch], inverseStd: inverseStd[ch],
                            scale: w.map { $0[ch] } ?? 1, shift: b.map { $0[ch] } ?? 0)
                    }
                }
            }
        }
        if context.isRecording { context.save(Record(normalized: normalized, inverseStd: inverseStd, batch: n, spatial: spatial)) }
        return y
    }

    /// `running = (1 − momentum)·running + momentum·batch`, the variance unbiased; counts the batch.
    private func updateRunning(
        _ running: (mean: ParameterID, variance: ParameterID, count: ParameterID), mean: [Double], biasedVariance: [Double], count: Int,
        context: inout ForwardContext
    ) {
        var tracked = context.buffer(running.count)
        let batches = tracked.scalars[0] + 1
        tracked.setScalars([batches])
        context.updateBuffer(running.count, tracked)
        let factor = momentum ?? 1 / Double(batches)
        let unbias = count > 1 ? Double(count) / Double(count - 1) : 1
        var runningMean = context.buffer(running.mean)
        var runningVar = context.buffer(running.variance)
        runningMean.withUnsafeMutableScalars { p in
            for ch in p.indices { p[ch] = Float((1 - factor) * Double(p[ch]) + factor * mean[ch]) }
        }
        runningVar.withUnsafeMutableScalars { p in
            for ch in p.indices { p[ch] = Float((1 - factor) * Double(p[ch]) + factor * biasedVariance[ch] * unbias) }
        }
        context.updateBuffer(running.mean, runningMean)
        context.updateBuffer(running.variance, runningVar)
    }

    /// With batch statistics: dx = w·r/M · (M·dy − Σdy − x̂·Σ(dy·x̂)) per channel, M = N·spatial.
    func backward(_ dy: Tensor, node: ModuleNode, context: inout BackwardContext) -> Tensor {
        let record = context.pop(Record.self)
        let (n, c, spatial) = (record.batch, numFeatures, record.spatial)
        var sumDy = [Double](repeating: 0, count: c)
        var sumDyXhat = [Double](repeating: 0, count: c)
        dy.withUnsafeScalars { d in
            record.normalized.withUnsafeScalars { xh in
                guard let d = d.baseAddress, let xh = xh.baseAddress else { return }
                for batch in 0..<n {
                    for ch in 0..<c {
                        let base = (batch * c + ch) * spatial
                        let (sum, dot) = sumAndDotAsDouble(d + base, xh + base, count: spatial)
                        sumDy[ch] += sum
                        sumDyXhat[ch] += dot
                    }
                }
            }
        }
        if let weight {
            var dw = context.takeGradient(weight, shape: [c])
            dw.withUnsafeMutableScalars { p in for ch in 0..<c { p[ch] += Float(sumDyXhat[ch]) } }
            context.putGradient(weight, dw)
        }
        if let bias {
            var db = context.takeGradient(bias, shape: [c])
            db.withUnsafeMutableScalars { p in for ch in 0..<c { p[ch] += Float(sumDy[ch]) } }
            context.putGradient(bias, db)
        }
        guard context.needsInputGradient else { return Tensor(zeros: [0]) }
        let w = weight.map { context.store.values[$0]!.scalars }
        let count = Double(n * spatial)
        var dx = dy
        dx.withUnsafeMutableScalars { d in
            record.normalized.withUnsafeScalars { xh in
                guard let d = d.baseAddress, let xh = xh.baseAddress else { return }
                for batch in 0..<n {
                    for ch in 0..<c {
                        let base = (batch * c + ch) * spatial
                        normalizationInputGradient(
                            d + base, normalized: xh + base, count: spatial,
                            k: Double(w.map { $0[ch] } ?? 1) * record.inverseStd[ch] / count,
                            total: count, sumG: sumDy[ch], sumGXhat: sumDyXhat[ch])
                    }
                }
            }
        }
        return dx
    }

    func describe(_ node: ModuleNode, in model: Model) -> String {
        let m = momentum.map { "\($0)" } ?? "None"
        return
            "\(className)(\(numFeatures), eps=\(eps), momentum=\(m), affine=\(weight != nil ? "True" : "False"), bias=\(bias != nil ? "True" : "False"), track_running_stats=\(running != nil ? "True" : "False"))"
    }

    /// `BatchNormalization` with the running statistics (eval mode; training-mode batch
    /// statistics are not exported). Without them, the batch's own would be needed: refused
    /// (cannot apply, a 422).
    func exportONNX(_ input: ONNXGraph.Value, node: ModuleNode, path: String, graph: inout ONNXGraph) throws -> ONNXGraph.Value {
        let name = graph.nodeName(path, self)
        guard let running else {
            throw NeuralNetError.incompatibleInput(
                "layer '\(name)' (\(typeName) without track_running_stats) normalizes by each batch's statistics, which an ONNX export in eval mode has no form for"
            )
        }
        let scale =
            weight.map { graph.parameterName($0) }
            ?? graph.floatConstant(name + ".scale", [numFeatures], [Float](repeating: 1, count: numFeatures))
        let shift =
            bias.map { graph.parameterName($0) }
            ?? graph.floatConstant(name + ".bias", [numFeatures], [Float](repeating: 0, count: numFeatures))
        let mean = graph.bufferName(running.mean)
        let variance = graph.bufferName(running.variance)
        return graph.emit(
            "BatchNormalization", name: name, inputs: [input.name, scale, shift, mean, variance],
            attributes: [.float("epsilon", Float(eps)), .float("momentum", Float(1 - (momentum ?? 0.1)))], sample: input.sample)
    }
}
