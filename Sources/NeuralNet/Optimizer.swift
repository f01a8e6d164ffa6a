public import JSON

/// A gradient-descent optimizer with PyTorch's update rules and its state (momentum buffers,
/// Adam moments) kept per `ParameterID` across steps. A value: keep it beside the model.
public struct Optimizer: Sendable, Equatable {
    /// `torch.optim.SGD`.
    public struct SGD: Sendable, Equatable {
        public var learningRate: Double
        public var momentum: Double = 0
        public var dampening: Double = 0
        public var weightDecay: Double = 0
        public var nesterov = false
        public init(learningRate: Double, momentum: Double = 0, dampening: Double = 0, weightDecay: Double = 0, nesterov: Bool = false) {
            self.learningRate = learningRate
            self.momentum = momentum
            self.dampening = dampening
            self.weightDecay = weightDecay
            self.nesterov = nesterov
        }
    }

    /// `torch.optim.Adam` (L2 weight decay added to the gradient, not AdamW).
    /// Hyperparameters are Doubles, as Python floats are; they are rounded to Float where
    /// PyTorch's kernels round them, so updates match PyTorch's.
    public struct Adam: Sendable, Equatable {
        public var learningRate: Double = 1e-3
        public var beta1: Double = 0.9
        public var beta2: Double = 0.999
        public var epsilon: Double = 1e-8
        public var weightDecay: Double = 0
        public init(
            learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0
        ) {
            self.learningRate = learningRate
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
            self.weightDecay = weightDecay
        }
    }

    public enum Configuration: Sendable, Equatable {
        case sgd(SGD)
        case adam(Adam)
    }

    public let configuration: Configuration
    /// Momentum buffers (SGD) or first moments (Adam).
    var firstMoments: [ParameterID: [Float]] = [:]
    /// Adam's second moments.
    var secondMoments: [ParameterID: [Float]] = [:]
    /// Adam's step count per parameter.
    var steps: [ParameterID: Int] = [:]

    public init(_ configuration: Configuration) { self.configuration = configuration }

    /// Decodes `{"name": "sgd", "lr": 0.1, "momentum": 0.9, "weight_decay": 0, "dampening": 0,
    /// "nesterov": false}` or `{"name": "adam", "lr": 0.001, "betas": [0.9, 0.999], "eps": 1e-8,
    /// "weight_decay": 0}` (PyTorch's argument names and defaults; SGD needs `lr`).
    public init(json: JSONValue, location: String = "optimizer") throws {
        let invalid = NeuralNetError.invalidArgument
        guard case .object(let m) = json else { throw invalid(location, "must be an object with a \"name\", got \(json.shortDescription)") }
        let name = try readString(m["name"] ?? .null, at: "\(location).name", error: invalid)
        func number(_ key: String, _ fallback: Double?, min: Double = 0, below: Double? = nil) throws -> Double {
            guard let v = m[key] else {
                guard let fallback else { throw invalid(location, "needs \"\(key)\"") }
                return fallback
            }
            let d = try readNumber(v, at: "\(location).\(key)", error: invalid)
            guard d >= min, below.map({ d < $0 }) ?? true else {
                throw invalid(
                    "\(location).\(key)", "must be at least \(min)\(below.map { " and below \($0)" } ?? ""), got \(v.shortDescription)")
            }
            return d
        }
        switch name {
        case "sgd":
            try rejectUnknownKeys(
                m, allowed: ["name", "lr", "momentum", "dampening", "weight_decay", "nesterov"], at: location, error: invalid)
            var nesterov = false
            if let n = m["nesterov"] {
                guard case .bool(let b) = n else {
                    throw invalid("\(location).nesterov", "must be true or false, got \(n.shortDescription)")
                }
                nesterov = b
            }
            let sgd = SGD(
                learningRate: try number("lr", nil), momentum: try number("momentum", 0), dampening: try number("dampening", 0),
                weightDecay: try number("weight_decay", 0), nesterov: nesterov)
            if nesterov && (sgd.momentum <= 0 || sgd.dampening != 0) {
                throw invalid(location, "nesterov needs a positive momentum and zero dampening")
            }
            self.init(.sgd(sgd))
        case "adam":
            try rejectUnknownKeys(m, allowed: ["name", "lr", "betas", "eps", "weight_decay"], at: location, error: invalid)
            var betas: (Double, Double) = (0.9, 0.999)
            if let b = m["betas"] {
                guard case .array(let pair) = b, pair.count == 2 else {
                    throw invalid("\(location).betas", "must be an array of two numbers in [0, 1)")
                }
                let b1 = try readNumber(pair[0], at: "\(location).betas[0]", error: invalid)
                let b2 = try readNumber(pair[1], at: "\(location).betas[1]", error: invalid)
                guard (0..<1).contains(b1), (0..<1).contains(b2) else {
                    throw invalid("\(location).betas", "must both be in [0, 1), got [\(b1), \(b2)]")
                }
                betas = (b1, b2)
            }
            self.init(
                .adam(
                    Adam(
                        learningRate: try number("lr", 1e-3), beta1: betas.0, beta2: betas.1, epsilon: try number("eps", 1e-8),
                        weightDecay: try number("weight_decay", 0))))
        default:
            throw invalid("\(location).name", "must be \"sgd\" or \"adam\", got \(JSONValue.string(name).shortDescription)")
        }
    }
}
