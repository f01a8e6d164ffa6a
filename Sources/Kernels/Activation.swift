#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An elementwise nonlinearity with a derivative.
public enum Activation: Sendable, Equatable {
    case identity
    case relu
    case leakyRelu(slope: Float)
    case sigmoid
    case tanh
    /// Exact form `x·Φ(x)` with Φ the standard normal CDF (PyTorch's default `approximate='none'`).
    case gelu
}

/// `y[i] = f(x[i])`. `x` and `y` may be the same buffer.
public func applyActivation(_ f: Activation, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { y[i] = scalarActivation(f, x[i]) }
}

/// `dx[i] = dy[i] · f'(x[i])`, where `x` is the activation's input and `y = f(x)` its output
/// (sigmoid and tanh use `y`, the others `x`). `dx` may alias `dy`.
public func activationBackward(
    _ f: Activation, x: UnsafePointer<Float>, y: UnsafePointer<Float>,
    dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, count: Int
) {
    for i in 0..<count { dx[i] = dy[i] * scalarDerivative(f, x: x[i], y: y[i]) }
}

@inline(__always)
func scalarActivation(_ f: Activation, _ v: Float) -> Float {
    switch f {
    case .identity: return v
    case .relu: return v > 0 ? v : 0
    case .leakyRelu(let s): return v > 0 ? v : s * v
    case .sigmoid: return 1 / (1 + expf(-v))
    case .tanh: return tanhf(v)
    case .gelu: return 0.5 * v * (1 + erff(v * 0.70710678118654752))
    }
}

@inline(__always)
func scalarDerivative(_ f: Activation, x: Float, y: Float) -> Float {
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
