import CKernels

/// An elementwise nonlinearity with a derivative.
public enum Activation: Sendable, Equatable {
    case identity
    case relu
    case leakyRelu(slope: Float)
    case sigmoid
    case tanh
    /// Exact form `x·Φ(x)` with Φ the standard normal CDF (PyTorch's default `approximate='none'`).
    case gelu

    /// The C kernels' kind and leaky slope.
    var kernelArguments: (kind: Int32, slope: Float) {
        switch self {
        case .identity: (Int32(CK_ACT_IDENTITY.rawValue), 0)
        case .relu: (Int32(CK_ACT_RELU.rawValue), 0)
        case .leakyRelu(let slope): (Int32(CK_ACT_LEAKY_RELU.rawValue), slope)
        case .sigmoid: (Int32(CK_ACT_SIGMOID.rawValue), 0)
        case .tanh: (Int32(CK_ACT_TANH.rawValue), 0)
        case .gelu: (Int32(CK_ACT_GELU.rawValue), 0)
        }
    }
}

/// `y[i] = f(x[i])`. `x` and `y` may be the same buffer.
///
/// relu gives 0 for NaN (`x > 0 ? x : 0`); sigmoid is `1/(1 + e^−x)`; gelu is
/// `½·x·(1 + erf(x/√2))`. sigmoid, tanh and gelu use 8-lane polynomial approximations within a
/// few ulps of glibc's `expf`/`tanhf`/`erff` (gelu: within a few ulps of `½·x` where
/// `1 + erf` cancels, as in PyTorch's own formula).
/// - Complexity: O(count), 8 lanes at a time.
public func applyActivation(_ f: Activation, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, count: Int) {
    applyActivation(f, x: x, y: y, count: count, isa: .detected)
}

func applyActivation(
    _ f: Activation, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, count: Int, isa: InstructionSet
) {
    precondition(count >= 0, "applyActivation: negative count \(count)")
    let (kind, slope) = f.kernelArguments
    ck_act_forward(isa.cValue, kind, slope, x, y, count)
}

/// `dx[i] = dy[i] · f'(x[i])`, where `x` is the activation's input and `y = f(x)` its output
/// (sigmoid and tanh use `y`, the others `x`). `dx` may alias `dy`.
///
/// The derivatives: relu `x > 0 ? 1 : 0`, leaky relu `x > 0 ? 1 : slope`, sigmoid `y(1 − y)`,
/// tanh `1 − y²`, gelu `Φ(x) + x·φ(x)`; the product with `dy` is always taken, so `dy = inf`
/// where the derivative is 0 gives NaN, as in the scalar formula.
/// - Complexity: O(count).
public func activationBackward(
    _ f: Activation, x: UnsafePointer<Float>, y: UnsafePointer<Float>,
    dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, count: Int
) {
    activationBackward(f, x: x, y: y, dy: dy, dx: dx, count: count, isa: .detected)
}

func activationBackward(
    _ f: Activation, x: UnsafePointer<Float>, y: UnsafePointer<Float>,
    dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, count: Int, isa: InstructionSet
) {
    precondition(count >= 0, "activationBackward: negative count \(count)")
    let (kind, slope) = f.kernelArguments
    ck_act_backward(isa.cValue, kind, slope, x, y, dy, dx, count)
}
