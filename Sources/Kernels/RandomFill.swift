import Dispatch

/// Seeded fills with PyTorch's element order and arithmetic: one draw per element, row-major.
extension PyTorchGenerator {
    /// `tensor.uniform_(from, to)`: one float32 draw per element, in order.
    /// The bounds are rounded to Float first, as ATen's kernel does (`static_cast<scalar_t>`).
    ///
    /// A large tensor is drawn in two passes with the same result: the engine's raw words in
    /// order (the only sequential part), then, on every core, each word tempered and turned
    /// into its float where it lies.
    public mutating func fillUniform(_ x: UnsafeMutableBufferPointer<Float>, from: Double, to: Double) {
        let a = Float(from)
        let b = Float(to)
        guard x.count >= Self.parallelFillElements, let base = x.baseAddress else {
            for i in x.indices { x[i] = uniformFloat(from: a, to: b) }
            return
        }
        drawUntempered(into: UnsafeMutableRawPointer(base), count: x.count)
        // The buffer crosses into the workers as an address: each converts a disjoint block.
        let address = Int(bitPattern: base)
        let count = x.count
        let parts = max(1, min(count / (Self.parallelFillElements / 4), 64))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let raw = UnsafeMutableRawPointer(bitPattern: address)!
            for i in count * part / parts..<count * (part + 1) / parts {
                let word = MT19937.temper(raw.load(fromByteOffset: i * 4, as: UInt32.self))
                raw.storeBytes(of: a.addingProduct(Float(word & 0xFF_FFFF) * 0x1p-24, b - a), toByteOffset: i * 4, as: Float.self)
            }
        }
    }

    /// From this many elements a uniform fill is converted on every core.
    static let parallelFillElements = 1 << 18

    /// `tensor.normal_(mean, std)` on a contiguous float32 tensor.
    ///
    /// Fewer than 16 elements: one scalar double Box–Muller draw each (see `normalDouble`).
    /// Otherwise, as ATen's `normal_fill`: all uniforms first, then Box–Muller in blocks of 16
    /// (`j < 8`: `u1 = 1 − d[j]`, `u2 = d[j+8]`, `r = √(−2 ln u1)`, `θ = 2π·u2`,
    /// `d[j] = r·cosθ·std + mean`, `d[j+8] = r·sinθ·std + mean`); a ragged tail redraws the
    /// last 16 elements from 16 fresh uniforms and transforms them again.
    /// - Note: log, sin and cos are the avx_mathfun polynomials PyTorch's AVX2 kernel uses
    ///   (`AVXMathFun`), with its rounding, so the result is PyTorch's bit for bit.
    public mutating func fillNormal(_ x: UnsafeMutableBufferPointer<Float>, mean: Double, std: Double) {
        let n = x.count
        guard n >= 16 else {
            for i in 0..<n { x[i] = Float(normalDouble(mean: mean, std: std)) }
            return
        }
        let m = Float(mean)
        let s = Float(std)
        for i in 0..<n { x[i] = uniformFloat(from: 0, to: 1) }
        var start = 0
        while start + 16 <= n {
            Self.boxMuller16(x.baseAddress! + start, mean: m, std: s)
            start += 16
        }
        if n % 16 != 0 {
            let tail = x.baseAddress! + (n - 16)
            for j in 0..<16 { tail[j] = uniformFloat(from: 0, to: 1) }
            Self.boxMuller16(tail, mean: m, std: s)
        }
    }

    @inline(__always)
    private static func boxMuller16(_ d: UnsafeMutablePointer<Float>, mean: Float, std: Float) {
        // 2π rounded to float first, then multiplied in float: the AVX2 kernel's arithmetic.
        let twoPi = Float(2 * Double.pi)
        for j in 0..<8 {
            let u1 = 1 - d[j]
            let u2 = d[j + 8]
            let radius = (-2 * AVXMathFun.log(u1)).squareRoot()
            let (sine, cosine) = AVXMathFun.sincos(twoPi * u2)
            d[j] = mean.addingProduct(radius * cosine, std)
            d[j + 8] = mean.addingProduct(radius * sine, std)
        }
    }
}
