import Kernels

/// What a forward pass returns.
public struct ForwardResult: Sendable {
    public let output: Tensor
    /// The outputs of the requested module paths.
    public let activations: [String: Tensor]
    /// Set when this pass gave deferred layers their input width and values: the model to
    /// keep as the next snapshot. Nil when nothing changed.
    public let materializedModel: Model?

    public init(output: Tensor, activations: [String: Tensor] = [:], materializedModel: Model? = nil) {
        self.output = output
        self.activations = activations
        self.materializedModel = materializedModel
    }
}

/// One step of a recorded forward pass, kept for backward.
enum TapeRecord {
    case linear(layer: Int, input: Tensor, preActivation: Tensor?, output: Tensor)
    case activation(ActivationFunction, input: Tensor, output: Tensor)
    case flatten(inputShape: [Int])
}

extension Model {
    /// Runs `input` (shape `[batch, …]`, any batch size) through the network.
    ///
    /// Linear layers act on the last dimension (leading ones are batch), `flatten` folds all
    /// but the first. A model with deferred layers materializes them on a copy, drawing from
    /// the model's generator with its initializer, and returns that copy in
    /// `materializedModel`; this value itself never changes, so forward passes on a shared
    /// snapshot can run in parallel.
    /// - Parameter capture: module paths whose outputs to return in `activations`.
    /// - Throws: `unknownModule` for a capture path; `incompatibleInput` naming the layer and
    ///   both widths when the input does not fit.
    public func forward(_ input: Tensor, capture: [String] = []) throws -> ForwardResult {
        var model = try prepared(for: input, capture: capture)
        let changed = model.store.values.count != store.values.count
        var activations: [String: Tensor] = [:]
        var tape: [TapeRecord]?
        let output = model.run(model.root, path: "", input, capture: Set(capture), activations: &activations, tape: &tape)
        if !changed { model = self }
        return ForwardResult(output: output, activations: activations, materializedModel: changed ? model : nil)
    }

    /// A copy whose widths are checked against `input` and whose deferred layers are materialized.
    func prepared(for input: Tensor, capture: [String] = []) throws -> Model {
        for path in capture where index.moduleByPath[path] == nil {
            throw NeuralNetError.unknownModule(path: path)
        }
        guard input.rank >= 2 else {
            throw NeuralNetError.incompatibleInput(
                "input must have a batch dimension and at least one feature dimension, got shape \(formatShape(input.shape))")
        }
        let sample = Array(input.shape.dropFirst())
        var model = self
        try model.resolveWidths(sampleShape: sample, context: .input(input.shape))
        let (activation, overflow) = model.largestSampleElements(sample).multipliedReportingOverflow(by: input.shape[0])
        guard !overflow, activation <= limits.maxActivationElements else {
            throw NeuralNetError.limitExceeded(
                location: "input:",
                reason: "a batch of \(input.shape[0]) would need an activation of more than \(limits.maxActivationElements) elements, the limit; send smaller batches")
        }
        if model.hasPendingValues {
            if model.inputShape == nil { model.inputShape = sample }
            try model.materializeKnownLayers()
        }
        return model
    }

    /// True when a layer knows its width but has no values yet.
    var hasPendingValues: Bool {
        layers.contains { $0.inFeatures != nil && store.values[$0.weight] == nil }
    }

    /// Evaluates `node` on `x`, recording what backward needs when `tape` is non-nil.
    /// Takes `x` by value so that, with no tape, an activation can overwrite the only copy.
    func run(_ node: ModuleNode, path: String, _ x: consuming Tensor, capture: Set<String>, activations: inout [String: Tensor], tape: inout [TapeRecord]?) -> Tensor {
        let y: Tensor
        switch node.kind {
        case .sequential(let children):
            var h = x
            for child in children {
                h = run(child, path: ModelIndex.join(path, child.name), consume h, capture: capture, activations: &activations, tape: &tape)
            }
            y = h
        case .flatten:
            let batch = x.shape.first ?? 1
            y = x.reshaped([batch, batch == 0 ? 0 : x.count / batch])
            tape?.append(.flatten(inputShape: x.shape))
        case .activation(let f):
            if tape == nil {
                var output = x
                Self.activateInPlace(f, &output)
                y = output
            } else {
                y = Self.activate(f, x)
                tape?.append(.activation(f, input: x, output: y))
            }
        case .linear(let l):
            let (pre, out) = linear(l, x, keepsPreActivation: tape != nil)
            tape?.append(.linear(layer: l, input: x, preActivation: pre, output: out))
            y = out
        }
        if capture.contains(path) { activations[path] = y }
        return y
    }

    /// `f(x·Wᵀ + b)` over the last dimension; returns the pre-activation too when fused and
    /// `keepsPreActivation` (backward needs it), else applies `f` in place.
    private func linear(_ l: Int, _ x: Tensor, keepsPreActivation: Bool) -> (Tensor?, Tensor) {
        let layer = layers[l]
        let inF = layer.inFeatures!
        let out = layer.outFeatures
        let rows = inF == 0 ? 0 : x.count / inF
        let w = store.values[layer.weight]!
        // gemm with beta = 0 writes every element of C without reading it, so no zero fill.
        var y = [Float](unsafeUninitializedCapacity: rows * out) { _, count in count = rows * out }
        if rows > 0 {
        x.withUnsafeScalars { xp in
            w.withUnsafeScalars { wp in
                y.withUnsafeMutableBufferPointer { yp in
                    gemm(.none, .transposed, m: rows, n: out, k: inF, a: xp.baseAddress!, lda: inF, b: wp.baseAddress!, ldb: inF, c: yp.baseAddress!, ldc: out)
                    if let b = layer.bias, let bias = store.values[b] {
                        bias.withUnsafeScalars { addBias($0.baseAddress!, to: yp.baseAddress!, rows: rows, columns: out) }
                    }
                }
            }
        }
        }
        var z = Tensor(validShape: x.shape.dropLast() + [out], scalars: y)
        guard let f = layer.activation else { return (nil, z) }
        if keepsPreActivation { return (z, Self.activate(f, z)) }
        Self.activateInPlace(f, &z)
        return (nil, z)
    }

    static func activate(_ f: ActivationFunction, _ x: Tensor) -> Tensor {
        var y = x
        activateInPlace(f, &y)
        return y
    }

    static func activateInPlace(_ f: ActivationFunction, _ y: inout Tensor) {
        let columns = y.shape.last ?? 1
        y.withUnsafeMutableScalars { yp in
            guard let base = yp.baseAddress, yp.count > 0 else { return }
            if let k = f.kernel {
                applyActivation(k, x: base, y: base, count: yp.count)
            } else {
                softmaxRows(base, base, rows: yp.count / columns, columns: columns)
            }
        }
    }
}
