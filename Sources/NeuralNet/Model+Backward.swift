import Kernels

extension Model {
    /// Runs `input` forward in train mode, compares the output with `target` under `loss`,
    /// and adds the gradient of the loss to every parameter's gradient (`+=`, as
    /// `loss.backward()` does): gradients accumulate until `zeroGradients()`, and a tied
    /// parameter's gradient is the sum over its uses. Deferred layers materialize first, as in
    /// `forward`. The pass's buffer updates (batch norm's running statistics) are kept, and
    /// dropout's masks advance the model's generator, as `net.train(); net(x)` does.
    /// - Returns: the loss value.
    /// - Throws: `incompatibleInput` (input width, target shape, label range, loss/target kind
    ///   mismatch); nothing changes when it throws.
    @discardableResult
    public mutating func backward(input: Tensor, target: LossTarget, loss: LossKind) throws -> Float {
        var model = try prepared(for: input)
        var forward = ForwardContext(model: model, mode: .train, recording: true, capture: [])
        let output = try forward.run(model.root, input)
        var dOutput = Tensor(zeros: output.shape)
        let value = try Self.lossAndGradient(output: output, target: target, loss: loss, gradient: &dOutput)
        var backward = BackwardContext(layers: model.layers, tape: forward.tape ?? [], store: model.store)
        _ = backward.run(model.root, dOutput)
        model.store = backward.store
        for (id, buffer) in forward.bufferUpdates { model.store.buffers[id] = buffer }
        model.generator = forward.generator
        self = model
        return value
    }

    /// The loss of the model's output for `input` against `target`, without touching gradients.
    /// Deferred layers materialize on a copy only, as in `forward`.
    public func loss(input: Tensor, target: LossTarget, loss: LossKind) throws -> Float {
        let output = try forward(input).output
        var scratch = Tensor(zeros: output.shape)
        return try Self.lossAndGradient(output: output, target: target, loss: loss, gradient: &scratch)
    }

    /// Sets every existing gradient to zero (gradients never computed stay absent).
    public mutating func zeroGradients() {
        for id in store.gradients.keys {
            store.gradients[id] = Tensor(zeros: store.gradients[id]!.shape)
        }
    }

    /// The loss of `output` against `target`, writing dLoss/dOutput into `gradient`.
    static func lossAndGradient(output: Tensor, target: LossTarget, loss: LossKind, gradient: inout Tensor) throws -> Float {
        switch (loss, target) {
        case (.mse, .values(let t)):
            guard t.shape == output.shape else {
                throw NeuralNetError.incompatibleInput(
                    "target has shape \(formatShape(t.shape)) but the output has shape \(formatShape(output.shape))")
            }
            guard output.count > 0 else { return 0 }
            return output.withUnsafeScalars { p in
                t.withUnsafeScalars { q in
                    gradient.withUnsafeMutableScalars { g in
                        mseLoss(prediction: p.baseAddress!, target: q.baseAddress!, count: p.count, gradient: g.baseAddress!)
                    }
                }
            }
        case (.crossEntropy, .classes(let labels)):
            let classes = output.shape.last ?? 0
            let rows = classes == 0 ? 0 : output.count / classes
            guard labels.count == rows else {
                throw NeuralNetError.incompatibleInput(
                    "cross_entropy needs one class label per output row: the output has shape \(formatShape(output.shape)) (\(rows) rows) but \(labels.count) labels were given"
                )
            }
            if let bad = labels.first(where: { $0 < 0 || $0 >= classes }) {
                throw NeuralNetError.incompatibleInput("class label \(bad) is outside 0..<\(classes), the output's \(classes) classes")
            }
            guard rows > 0 else { return 0 }
            let int32 = labels.map { Int32($0) }
            return output.withUnsafeScalars { p in
                int32.withUnsafeBufferPointer { l in
                    gradient.withUnsafeMutableScalars { g in
                        crossEntropyLoss(
                            logits: p.baseAddress!, labels: l.baseAddress!, rows: rows, classes: classes, gradient: g.baseAddress!)
                    }
                }
            }
        case (.mse, .classes):
            throw NeuralNetError.incompatibleInput("mse needs target values of the output's shape, not class labels")
        case (.crossEntropy, .values):
            throw NeuralNetError.incompatibleInput("cross_entropy needs class labels (one integer per row), not target values")
        }
    }
}
