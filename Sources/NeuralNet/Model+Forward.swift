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
        let sample = Array(input.shape.dropFirst())
        var model = self
        let largest = try model.resolveWidths(sampleShape: sample, context: .input(input.shape))
        let (activation, overflow) = largest.multipliedReportingOverflow(by: input.shape[0])
        guard !overflow, activation <= limits.maxActivationElements else {
            throw NeuralNetError.limitExceeded(
                location: "input:",
                reason:
                    "a batch of \(input.shape[0]) would need an activation of more than \(limits.maxActivationElements) elements, the limit; send smaller batches"
            )
        }
        if model.hasPendingValues {
            if model.inputShape == nil { model.inputShape = sample }
            try model.materializeKnownLayers()
        }
        return model
    }

    /// True when a layer knows its shapes but has no values yet. Every forward pass asks, so a
    /// layer's tensor list (built anew on each call) is built once.
    var hasPendingValues: Bool {
        layers.contains { layer in
            let parameters = layer.parameters
            return !parameters.contains { $0.shape == nil }
                && (parameters.contains { store.values[$0.id] == nil } || layer.buffers.contains { store.buffers[$0.id] == nil })
        }
    }
}
