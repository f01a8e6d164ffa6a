#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@testable import Kernels

/// The scalar formulas the vectorized kernels must match: one element at a time, libm's
/// float functions, plain left-to-right sums.
enum ScalarReference {
    static func activation(_ f: Activation, _ v: Float) -> Float {
        switch f {
        case .identity: return v
        case .relu: return v > 0 ? v : 0
        case .leakyRelu(let s): return v > 0 ? v : s * v
        case .sigmoid: return 1 / (1 + expf(-v))
        case .tanh: return tanhf(v)
        case .gelu: return 0.5 * v * (1 + erff(v * 0.70710678118654752))
        }
    }

    static func derivative(_ f: Activation, x: Float, y: Float) -> Float {
        switch f {
        case .identity: return 1
        case .relu: return x > 0 ? 1 : 0
        case .leakyRelu(let s): return x > 0 ? 1 : s
        case .sigmoid: return y * (1 - y)
        case .tanh: return 1 - y * y
        case .gelu:
            let cdf = 0.5 * (1 + erff(x * 0.70710678118654752))
            let pdf = expf(-0.5 * x * x) * 0.39894228040143268
            return cdf + x * pdf
        }
    }

    static func softmax(_ row: [Float]) -> [Float] {
        let m = row.max() ?? 0
        let e = row.map { expf($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    static func logSoftmax(_ row: [Float]) -> [Float] {
        let m = row.max() ?? 0
        let s = row.reduce(Float(0)) { $0 + expf($1 - m) }
        return row.map { ($0 - m) - logf(s) }
    }
}
