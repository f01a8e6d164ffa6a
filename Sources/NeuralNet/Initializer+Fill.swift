import Kernels

extension Initializer {
    /// Fills `tensor` (the parameter at `path`) in place, drawing from `generator` exactly as the
    /// matching `torch.nn.init` call draws; a framework default is what `frameworkDefault` (the
    /// owning layer's `defaultInitializer`) says it is for this tensor.
    ///
    /// Bounds and standard deviations are computed in Double with PyTorch's expression order,
    /// then rounded to Float by the fill, so uniform-based results are bit-equal to PyTorch's.
    /// - Throws: `initializerNotApplicable` for a fan-based or matrix initializer on a tensor
    ///   with fewer than two dimensions.
    func fill(
        _ tensor: inout Tensor, path: String, generator: inout PyTorchGenerator, frameworkDefault: (Framework) -> Initializer
    ) throws {
        switch self {
        case .zeros: fillConstant(&tensor, 0)
        case .ones: fillConstant(&tensor, 1)
        case .constant(let v): fillConstant(&tensor, v)
        case .uniform(let a, let b): uniform(&tensor, a, b, &generator)
        case .normal(let mean, let std): normal(&tensor, mean, std, &generator)
        case .truncNormal(let mean, let std, let a, let b): truncNormal(&tensor, mean, std, a, b, &generator)
        case .xavierUniform(let gain):
            let (fanIn, fanOut) = try fans(tensor, path)
            let std = gain * (2.0 / Double(fanIn + fanOut)).squareRoot()
            let bound = (3.0).squareRoot() * std
            uniform(&tensor, -bound, bound, &generator)
        case .xavierNormal(let gain):
            let (fanIn, fanOut) = try fans(tensor, path)
            normal(&tensor, 0, gain * (2.0 / Double(fanIn + fanOut)).squareRoot(), &generator)
        case .kaimingUniform(let a, let mode, let nonlinearity):
            let std = try kaimingStd(tensor, path, a, mode, nonlinearity)
            let bound = (3.0).squareRoot() * std
            uniform(&tensor, -bound, bound, &generator)
        case .kaimingNormal(let a, let mode, let nonlinearity):
            normal(&tensor, 0, try kaimingStd(tensor, path, a, mode, nonlinearity), &generator)
        case .lecunUniform:
            let bound = (3.0 / Double(try fans(tensor, path).fanIn)).squareRoot()
            uniform(&tensor, -bound, bound, &generator)
        case .lecunNormal:
            normal(&tensor, 0, (1.0 / Double(try fans(tensor, path).fanIn)).squareRoot(), &generator)
        case .orthogonal(let gain):
            try orthogonal(&tensor, gain, path, &generator)
        case .eye:
            guard tensor.rank == 2 else { throw notApplicable(path, tensor, "it needs a 2-D tensor") }
            let (rows, cols) = (tensor.shape[0], tensor.shape[1])
            tensor.withUnsafeMutableScalars { p in
                p.update(repeating: 0)
                for i in 0..<min(rows, cols) { p[i * cols + i] = 1 }
            }
        case .dirac(let groups):
            try dirac(&tensor, groups: groups, path: path)
        case .sparse(let sparsity, let std):
            guard tensor.rank == 2 else { throw notApplicable(path, tensor, "it needs a 2-D tensor") }
            sparse(&tensor, sparsity: sparsity, std: std, &generator)
        case .framework(let framework):
            try frameworkDefault(framework).fill(&tensor, path: path, generator: &generator, frameworkDefault: frameworkDefault)
        case .mixture(let components):
            mixture(&tensor, components, &generator)
        }
    }

    private func notApplicable(_ path: String, _ tensor: Tensor, _ reason: String) -> NeuralNetError {
        .initializerNotApplicable(path: path, initializer: name, reason: "\(reason), and '\(path)' has shape \(formatShape(tensor.shape))")
    }

    /// PyTorch's `_calculate_fan_in_and_fan_out` for a 2-D (out, in) tensor.
    private func fans(_ tensor: Tensor, _ path: String) throws -> (fanIn: Int, fanOut: Int) {
        guard tensor.rank >= 2 else {
            throw notApplicable(path, tensor, "fan in and fan out need a tensor with at least 2 dimensions")
        }
        let receptive = tensor.shape.dropFirst(2).reduce(1, *)
        return (tensor.shape[1] * receptive, tensor.shape[0] * receptive)
    }

    private func kaimingStd(_ tensor: Tensor, _ path: String, _ a: Double, _ mode: FanMode, _ nl: Nonlinearity) throws -> Double {
        let (fanIn, fanOut) = try fans(tensor, path)
        let fan = mode == .fanIn ? fanIn : fanOut
        return Initializer.gain(nl, parameter: a) / Double(fan).squareRoot()
    }

    private func fillConstant(_ t: inout Tensor, _ v: Float) {
        t.withUnsafeMutableScalars { $0.update(repeating: v) }
    }

    private func uniform(_ t: inout Tensor, _ a: Double, _ b: Double, _ g: inout PyTorchGenerator) {
        t.withUnsafeMutableScalars { g.fillUniform($0, from: a, to: b) }
    }

    private func normal(_ t: inout Tensor, _ mean: Double, _ std: Double, _ g: inout PyTorchGenerator) {
        t.withUnsafeMutableScalars { g.fillNormal($0, mean: mean, std: std) }
    }

    /// `dirac_`: zeros, then `w[g·outPerGroup + d, d, centre…] = 1` for d < min(outPerGroup, in).
    private func dirac(_ t: inout Tensor, groups: Int, path: String) throws {
        guard (3...5).contains(t.rank) else { throw notApplicable(path, t, "it needs a 3-, 4- or 5-D convolution weight") }
        let shape = t.shape
        guard shape[0] % groups == 0 else {
            throw notApplicable(path, t, "its groups (\(groups)) must divide the \(shape[0]) output channels")
        }
        let outPerGroup = shape[0] / groups
        let kernel = Array(shape[2...])
        let kernelSize = kernel.reduce(1, *)
        var centre = 0
        for k in kernel { centre = centre * k + k / 2 }
        t.withUnsafeMutableScalars { p in
            p.update(repeating: 0)
            for g in 0..<groups {
                for d in 0..<min(outPerGroup, shape[1]) {
                    p[((g * outPerGroup + d) * shape[1] + d) * kernelSize + centre] = 1
                }
            }
        }
    }

    /// `sparse_`: N(0, std²), then per column a `randperm(rows)` whose first ⌈sparsity·rows⌉
    /// entries are the rows zeroed. randperm swaps with `random() % (n − i)` as PyTorch's CPU
    /// kernel does for small n.
    private func sparse(_ t: inout Tensor, sparsity: Double, std: Double, _ g: inout PyTorchGenerator) {
        let (rows, cols) = (t.shape[0], t.shape[1])
        let zeros = Int((sparsity * Double(rows)).rounded(.up))
        normal(&t, 0, std, &g)
        var permutation = [Int](repeating: 0, count: rows)
        t.withUnsafeMutableScalars { p in
            for c in 0..<cols {
                for i in 0..<rows { permutation[i] = i }
                for i in 0..<max(rows - 1, 0) {
                    let z = Int(UInt64(g.random()) % UInt64(rows - i))
                    permutation.swapAt(i, z + i)
                }
                for r in permutation.prefix(zeros) { p[r * cols + c] = 0 }
            }
        }
    }

    private func mixture(_ t: inout Tensor, _ components: [MixtureComponent], _ g: inout PyTorchGenerator) {
        let total = components.reduce(0) { $0 + $1.weight }
        var cumulative: [Float] = []
        var running = 0.0
        for c in components {
            running += c.weight / total
            cumulative.append(Float(running))
        }
        t.withUnsafeMutableScalars { p in
            for i in p.indices {
                let u = g.uniformFloat(from: 0, to: 1)
                let k = cumulative.firstIndex { u < $0 } ?? components.count - 1
                switch components[k].initializer {
                case .zeros: p[i] = 0
                case .ones: p[i] = 1
                case .constant(let v): p[i] = v
                case .uniform(let a, let b): p[i] = g.uniformFloat(from: Float(a), to: Float(b))
                case .normal(let mean, let std): p[i] = Float(g.normalDouble(mean: mean, std: std))
                default: preconditionFailure("mixture components are checked to be elementwise when decoded")
                }
            }
        }
    }
}
