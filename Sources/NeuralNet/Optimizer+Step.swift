import Kernels

extension Optimizer {
    /// Updates every parameter of `model` that has a gradient, once, as `optimizer.step()`
    /// does. A tied parameter is one id, so it is updated once with its summed gradient.
    ///
    /// SGD: `g += wd·p`; with momentum `buf = g` on the first step, then
    /// `buf = μ·buf + (1−dampening)·g`; `g = nesterov ? g + μ·buf : buf`; `p −= lr·g`.
    /// Adam: `g += wd·p`; `m += (1−β₁)(g − m)`; `v = β₂·v + (1−β₂)·g²`;
    /// `p −= (lr/(1−β₁ᵗ)) · m / (√v/√(1−β₂ᵗ) + ε)`.
    public mutating func step(_ model: inout Model) {
        for id in model.store.gradients.keys.sorted() {
            guard let g = model.store.gradients[id], var p = model.store.values.removeValue(forKey: id) else { continue }
            p.withUnsafeMutableScalars { pp in
                switch configuration {
                case .sgd(let c): sgdStep(c, id: id, p: pp, g: g.scalars)
                case .adam(let c): adamStep(c, id: id, p: pp, g: g.scalars)
                }
            }
            model.store.values[id] = p
        }
    }

    private mutating func sgdStep(_ c: SGD, id: ParameterID, p: UnsafeMutableBufferPointer<Float>, g: [Float]) {
        var d = g
        let (wd, mu, keep, lr) = (Float(c.weightDecay), Float(c.momentum), Float(1 - c.dampening), Float(c.learningRate))
        let n = d.count
        guard n > 0, let pp = p.baseAddress else { return }
        d.withUnsafeMutableBufferPointer { dp in
            let dBase = dp.baseAddress!
            if wd != 0 { axpy(wd, pp, dBase, count: n) }
            if mu != 0 {
                if var buf = firstMoments.removeValue(forKey: id) {
                    buf.withUnsafeMutableBufferPointer { b in
                        scale(b.baseAddress!, by: mu, count: n)
                        axpy(keep, dBase, b.baseAddress!, count: n)
                        if c.nesterov {
                            axpy(mu, b.baseAddress!, dBase, count: n)
                        } else {
                            dp.baseAddress!.update(from: b.baseAddress!, count: n)
                        }
                    }
                    firstMoments[id] = buf
                } else {
                    // The first step's buffer is the gradient itself (`torch.clone(grad)`).
                    firstMoments[id] = Array(dp)
                    if c.nesterov { axpy(mu, dBase, dBase, count: n) }
                }
            }
            axpy(-lr, dBase, pp, count: n)
        }
    }

    private mutating func adamStep(_ c: Adam, id: ParameterID, p: UnsafeMutableBufferPointer<Float>, g: [Float]) {
        let n = g.count
        var m = firstMoments.removeValue(forKey: id) ?? [Float](repeating: 0, count: n)
        var v = secondMoments.removeValue(forKey: id) ?? [Float](repeating: 0, count: n)
        let t = (steps[id] ?? 0) + 1
        steps[id] = t
        // PyTorch computes the bias corrections in Python floats (double), then scalars.
        let bc1 = 1 - pow(c.beta1, t)
        let bc2 = 1 - pow(c.beta2, t)
        let stepSize = Float(c.learningRate / bc1)
        let bc2Sqrt = Float(bc2.squareRoot())
        let (wd, w1, b2, w2, eps) = (Float(c.weightDecay), Float(1 - c.beta1), Float(c.beta2), Float(1 - c.beta2), Float(c.epsilon))
        g.withUnsafeBufferPointer { gp in
            m.withUnsafeMutableBufferPointer { mp in
                v.withUnsafeMutableBufferPointer { vp in
                    for i in 0..<n {
                        let d = wd != 0 ? gp[i] + wd * p[i] : gp[i]
                        mp[i] += w1 * (d - mp[i])
                        vp[i] = vp[i] * b2 + w2 * d * d
                        let denom = vp[i].squareRoot() / bc2Sqrt + eps
                        p[i] -= stepSize * mp[i] / denom
                    }
                }
            }
        }
        firstMoments[id] = m
        secondMoments[id] = v
    }

    private func pow(_ x: Double, _ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<n { r *= x }
        return r
    }
}

extension Model {
    /// One training step: zero the gradients, forward, backward from `loss`, `optimizer.step`.
    /// Atomic: nothing changes when the input or target does not fit.
    /// - Returns: the loss before the update.
    @discardableResult
    public mutating func trainStep(input: Tensor, target: LossTarget, loss: LossKind, optimizer: inout Optimizer) throws -> Float {
        var next = self
        next.zeroGradients()
        let value = try next.backward(input: input, target: target, loss: loss)
        optimizer.step(&next)
        self = next
        return value
    }
}
