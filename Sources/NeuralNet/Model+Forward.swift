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

extension Model {
    /// Runs `input` (shape `[batch, …]`, any batch size) through the network in `mode`
    /// (eval unless asked, as after `net.eval()`).
    ///
    /// Linear layers act on the last dimension (leading ones are batch), `flatten` folds all
    /// but the first. A model with deferred layers materializes them on a copy, drawing from
    /// the model's generator with its initializer, and returns that copy in
    /// `materializedModel`; this value itself never changes, so forward passes on a shared
    /// snapshot can run in parallel. In train mode batch norm uses the batch's statistics;
    /// its running statistics change only through `backward` and `trainStep`.
    /// - Parameter capture: module paths whose outputs to return in `activations`.
    /// - Throws: `unknownModule` for a capture path; `incompatibleInput` naming the layer and
    ///   both widths when the input does not fit.
    public func forward(_ input: Tensor, capture: [String] = [], mode: RunMode = .eval) throws -> ForwardResult {
        let model = try prepared(for: input, capture: capture)
        let changed = model.store.values.count != store.values.count || model.store.buffers.count != store.buffers.count
        var context = ForwardContext(model: model, mode: mode, recording: false, capture: Set(capture))
        let output = try context.run(model.root, input)
        return ForwardResult(output: output, activations: context.activations, materializedModel: changed ? model : nil)
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
        // A snapshot already checked against this sample shape, with nothing to materialize,
        // is used as it is: walking the layers again cost ~10k instructions a pass.
        if let largest = widthCheck.largestSample(for: input.shape.dropFirst()) {
            try checkActivation(largest: largest, rows: input.shape[0])
            return self
        }
        let sample = Array(input.shape.dropFirst())
        var model = self
        let largest = try model.resolveWidths(sampleShape: sample, context: .input(input.shape))
        try checkActivation(largest: largest, rows: input.shape[0])
        if model.hasPendingValues {
            if model.inputShape == nil { model.inputShape = sample }
            try model.materializeKnownLayers()
        } else if !hasDeferredLayers {
            // Every width was known, so resolving changed nothing: this value fits the sample.
            widthCheck.record(sample: sample, largestSample: largest)
        }
        return model
    }

    /// Refuses a batch whose largest activation would pass the model's limit.
    private func checkActivation(largest: Int, rows: Int) throws {
        let (activation, overflow) = largest.multipliedReportingOverflow(by: rows)
        guard !overflow, activation <= limits.maxActivationElements else {
            throw NeuralNetError.limitExceeded(
                location: "input:",
                reason:
                    "a batch of \(rows) would need an activation of more than \(limits.maxActivationElements) elements, the limit; send smaller batches"
            )
        }
    }

    /// True when a layer knows its shapes but has no values yet.
    var hasPendingValues: Bool {
        layers.contains { $0.hasPendingValues(in: store) }
    }
}
