import Kernels

extension Model {
    /// Runs `input` forward, compares the output with `target` under `loss`, and adds the
    /// gradient of the loss to every parameter's gradient (`+=`, as `loss.backward()` does):
    /// gradients accumulate until `zeroGradients()`, and a tied parameter's gradient is the
    /// sum over its uses. Deferred layers materialize first, as in `forward`.
    /// - Returns: the loss value.
    /// - Throws: `incompatibleInput` (input width, target shape, label range, loss/target kind
    ///   mismatch); nothing changes when it throws.
    @discardableResult
    public mutating func backward(input: Tensor, target: LossTarget, loss: LossKind) throws -> Float {
        var model = try prepared(for: input)
        var activations: [String: Tensor] = [:]
        var tape: [TapeRecord]? = []
        let output = model.run(model.root, path: "", input, capture: [], activations: &activations, tape: &tape)
        var dOutput = Tensor(zeros: output.shape)
        let value = try Self.lossAndGradient(output: output, target: target, loss: loss, gradient: &dOutput)
        model.accumulateGradients(tape: tape ?? [], outputGradient: dOutput)
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
                throw NeuralNetError.incompatibleInput("target has shape \(formatShape(t.shape)) but the output has shape \(formatShape(output.shape))")
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
                    "cross_entropy needs one class label per output row: the output has shape \(formatShape(output.shape)) (\(rows) rows) but \(labels.count) labels were given")
            }
            if let bad = labels.first(where: { $0 < 0 || $0 >= classes }) {
                throw NeuralNetError.incompatibleInput("class label \(bad) is outside 0..<\(classes), the output's \(classes) classes")
            }
            guard rows > 0 else { return 0 }
            let int32 = labels.map { Int32($0) }
            return output.withUnsafeScalars { p in
                int32.withUnsafeBufferPointer { l in
                    gradient.withUnsafeMutableScalars { g in
                        crossEntropyLoss(logits: p.baseAddress!, labels: l.baseAddress!, rows: rows, classes: classes, gradient: g.baseAddress!)
                    }
                }
            }
        case (.mse, .classes):
            throw NeuralNetError.incompatibleInput("mse needs target values of the output's shape, not class labels")
        case (.crossEntropy, .values):
            throw NeuralNetError.incompatibleInput("cross_entropy needs class labels (one integer per row), not target values")
        }
    }

    /// Walks the tape backwards, adding weight and bias gradients into the store.
    private mutating func accumulateGradients(tape: [TapeRecord], outputGradient: Tensor) {
        var dy = outputGradient
        for (k, record) in tape.enumerated().reversed() {
            let needsInputGradient = k > 0
            switch record {
            case .flatten(let shape):
                dy = dy.reshaped(shape)
            case .activation(let f, let x, let y):
                dy = Self.activationBackward(f, x: x, y: y, dy: dy)
            case .linear(let l, let x, let pre, let y):
                let layer = layers[l]
                if let f = layer.activation, let pre { dy = Self.activationBackward(f, x: pre, y: y, dy: dy) }
                dy = linearBackward(layer, x: x, dy: dy, needsInputGradient: needsInputGradient)
            }
        }
    }

    /// Adds dW += dYᵀ·X and db += Σ dY; returns dX = dY·W (empty when not needed).
    private mutating func linearBackward(_ layer: LinearLayer, x: Tensor, dy: Tensor, needsInputGradient: Bool) -> Tensor {
        let inF = layer.inFeatures!
        let out = layer.outFeatures
        let rows = x.count / inF
        let w = store.values[layer.weight]!
        var dW = store.gradients.removeValue(forKey: layer.weight) ?? Tensor(zeros: w.shape)
        var dX = Tensor(zeros: needsInputGradient ? x.shape : [0])
        if rows > 0 {
            x.withUnsafeScalars { xp in
                dy.withUnsafeScalars { dyp in
                    dW.withUnsafeMutableScalars { dwp in
                        gemm(.transposed, .none, m: out, n: inF, k: rows, a: dyp.baseAddress!, lda: out, b: xp.baseAddress!, ldb: inF, beta: 1, c: dwp.baseAddress!, ldc: inF)
                    }
                    if needsInputGradient {
                        w.withUnsafeScalars { wp in
                            dX.withUnsafeMutableScalars { dxp in
                                gemm(.none, .none, m: rows, n: inF, k: out, a: dyp.baseAddress!, lda: out, b: wp.baseAddress!, ldb: inF, c: dxp.baseAddress!, ldc: inF)
                            }
                        }
                    }
                }
            }
        }
        store.gradients[layer.weight] = dW
        if let b = layer.bias {
            var db = store.gradients.removeValue(forKey: b) ?? Tensor(zeros: [out])
            if rows > 0 {
                dy.withUnsafeScalars { dyp in
                    db.withUnsafeMutableScalars { sumRows(dyp.baseAddress!, rows: rows, columns: out, into: $0.baseAddress!, accumulate: true) }
                }
            }
            store.gradients[b] = db
        }
        return dX
    }

    static func activationBackward(_ f: ActivationFunction, x: Tensor, y: Tensor, dy: Tensor) -> Tensor {
        var dx = dy
        guard dx.count > 0 else { return dx }
        let columns = y.shape.last ?? 1
        x.withUnsafeScalars { xp in
            y.withUnsafeScalars { yp in
                dx.withUnsafeMutableScalars { d in
                    if let k = f.kernel {
                        Kernels.activationBackward(k, x: xp.baseAddress!, y: yp.baseAddress!, dy: d.baseAddress!, dx: d.baseAddress!, count: d.count)
                    } else {
                        softmaxRowsBackward(y: yp.baseAddress!, dy: d.baseAddress!, dx: d.baseAddress!, rows: d.count / columns, columns: columns)
                    }
                }
            }
        }
        return dx
    }
}
