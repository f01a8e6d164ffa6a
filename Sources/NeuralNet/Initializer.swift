/// How to fill a parameter tensor, with the formulas of `torch.nn.init`.
///
/// Fans of an (out, in) weight: `fan_in = in`, `fan_out = out`. Fan-based initializers on a
/// 1-D tensor (a bias) are an error, as in PyTorch. Gains follow `calculate_gain`.
public indirect enum Initializer: Sendable, Equatable {
    case zeros
    case ones
    case constant(Float)
    /// U(a, b); PyTorch's defaults are a = 0, b = 1.
    case uniform(a: Double, b: Double)
    /// N(mean, std²).
    case normal(mean: Double, std: Double)
    /// N(mean, std²) truncated to the absolute bounds [a, b], by inverse-CDF sampling as
    /// `trunc_normal_` does.
    case truncNormal(mean: Double, std: Double, a: Double, b: Double)
    /// U(±gain·√(6/(fan_in + fan_out))).
    case xavierUniform(gain: Double)
    /// N(0, (gain·√(2/(fan_in + fan_out)))²).
    case xavierNormal(gain: Double)
    /// U(±√3·gain/√fan) with `gain = calculate_gain(nonlinearity, a)`.
    case kaimingUniform(a: Double, mode: FanMode, nonlinearity: Nonlinearity)
    /// N(0, (gain/√fan)²).
    case kaimingNormal(a: Double, mode: FanMode, nonlinearity: Nonlinearity)
    /// U(±√(3/fan_in)).
    case lecunUniform
    /// N(0, 1/fan_in) (plain, not truncated).
    case lecunNormal
    /// A (semi-)orthogonal matrix from the QR decomposition of a normal draw, times `gain`.
    case orthogonal(gain: Double)
    /// The identity matrix (ones on the main diagonal) of a 2-D tensor.
    case eye
    /// The identity of a convolution (3-, 4- or 5-D weight `(out, in, k…)`): a one at the
    /// kernel's centre linking output channel `d` of each of `groups` groups to input channel `d`.
    case dirac(groups: Int)
    /// A 2-D weight drawn N(0, std²), then in each column the first `⌈sparsity · rows⌉` rows of
    /// a random permutation set to zero (`torch.nn.init.sparse_`, its permutations included).
    case sparse(sparsity: Double, std: Double)
    /// A framework's default for a layer: weight and bias get different rules.
    case framework(Framework)
    /// Each element independently: pick a component with probability proportional to its
    /// weight, then draw from it. Components must be elementwise (constant, zeros, ones,
    /// uniform, normal).
    case mixture([MixtureComponent])

    /// Which fan the kaiming initializers scale by.
    public enum FanMode: String, Sendable, Equatable {
        case fanIn = "fan_in"
        case fanOut = "fan_out"
    }

    /// The nonlinearities of `calculate_gain`.
    public enum Nonlinearity: String, Sendable, Equatable, CaseIterable {
        case linear, sigmoid, tanh, relu, selu, identity
        case leakyRelu = "leaky_relu"
    }

    /// Framework defaults.
    public enum Framework: String, Sendable, Equatable, CaseIterable {
        /// `nn.Linear.reset_parameters`: W ~ kaiming_uniform(a=√5) = U(±1/√in), b ~ U(±1/√in).
        case pytorch
        /// Gluon: W ~ U(±0.07), b = 0.
        case mxnet
        /// Keras Dense: W ~ glorot_uniform, b = 0.
        case keras
    }

    /// `calculate_gain(nonlinearity, param)`: 1 for linear/identity/sigmoid, 5/3 for tanh,
    /// √2 for relu, √(2/(1+s²)) for leaky_relu (s = `param`, 0.01 when nil), 3/4 for selu.
    public static func gain(_ nonlinearity: Nonlinearity, parameter: Double? = nil) -> Double {
        switch nonlinearity {
        case .linear, .identity, .sigmoid: 1
        case .tanh: 5.0 / 3
        case .relu: (2.0).squareRoot()
        case .selu: 3.0 / 4
        case .leakyRelu:
            (2.0 / (1 + (parameter ?? 0.01) * (parameter ?? 0.01))).squareRoot()
        }
    }

    /// The name used in specs and messages.
    public var name: String {
        switch self {
        case .zeros: "zeros"
        case .ones: "ones"
        case .constant: "constant"
        case .uniform: "uniform"
        case .normal: "normal"
        case .truncNormal: "trunc_normal"
        case .xavierUniform: "xavier_uniform"
        case .xavierNormal: "xavier_normal"
        case .kaimingUniform: "kaiming_uniform"
        case .kaimingNormal: "kaiming_normal"
        case .lecunUniform: "lecun_uniform"
        case .lecunNormal: "lecun_normal"
        case .orthogonal: "orthogonal"
        case .eye: "eye"
        case .dirac: "dirac"
        case .sparse: "sparse"
        case .framework(let f): f.rawValue
        case .mixture: "mixture"
        }
    }

    /// Whether it needs a matrix (fans, QR, a diagonal), so cannot fill a bias.
    var needsMatrix: Bool {
        switch self {
        case .xavierUniform, .xavierNormal, .kaimingUniform, .kaimingNormal, .lecunUniform, .lecunNormal, .orthogonal, .eye, .dirac,
            .sparse:
            true
        default: false
        }
    }

    /// Whether it draws each element independently of the tensor's shape (mixture components).
    var isElementwise: Bool {
        switch self {
        case .zeros, .ones, .constant, .uniform, .normal: true
        default: false
        }
    }
}

/// One weighted component of a `mixture`.
public struct MixtureComponent: Sendable, Equatable {
    /// Relative weight; the weights of a mixture are normalized to sum to 1.
    public let weight: Double
    public let initializer: Initializer
    public init(weight: Double, initializer: Initializer) {
        self.weight = weight
        self.initializer = initializer
    }
}
