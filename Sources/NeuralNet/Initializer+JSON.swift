public import JSON

extension Initializer {
    /// Decodes `"xavier_uniform"` or `{"name": "normal", "mean": 0, "std": 0.01}`.
    ///
    /// Parameters and defaults follow `torch.nn.init`: constant `value`; uniform `a` (0),
    /// `b` (1); normal `mean` (0), `std` (1); trunc_normal `mean`, `std`, `a` (−2), `b` (2);
    /// xavier_* `gain` (1, or a nonlinearity name); kaiming_* `a` (0), `mode` ("fan_in"),
    /// `nonlinearity` ("leaky_relu"); orthogonal `gain`; mixture `components`:
    /// `[{"weight": 0.25, "init": {…}}, …]`.
    /// - Throws: `NeuralNetError.invalidArgument` naming `location` and the reason.
    public init(json: JSONValue, location: String = "init") throws {
        let invalid = NeuralNetError.invalidArgument
        let name: String
        var members: [String: JSONValue] = [:]
        switch json {
        case .string(let s): name = s
        case .object(let m):
            name = try readString(m["name"] ?? .null, at: "\(location).name", error: invalid)
            members = m
        default:
            throw invalid(location, "must be an initializer name or an object with a \"name\", got \(json.shortDescription)")
        }
        func allow(_ keys: Set<String>) throws {
            try rejectUnknownKeys(members, allowed: keys.union(["name"]), at: location, error: invalid)
        }
        func number(_ key: String, _ fallback: Double) throws -> Double {
            guard let v = members[key] else { return fallback }
            return try readNumber(v, at: "\(location).\(key)", error: invalid)
        }
        func nonNegative(_ key: String, _ fallback: Double) throws -> Double {
            let v = try number(key, fallback)
            guard v >= 0 else { throw invalid("\(location).\(key)", "must not be negative, got \(members[key]!.shortDescription)") }
            return v
        }
        func gain() throws -> Double {
            guard let v = members["gain"] else { return 1 }
            if case .string(let s) = v {
                guard let n = Nonlinearity(rawValue: s) else {
                    throw invalid(
                        "\(location).gain",
                        "must be a number or one of \(Nonlinearity.allCases.map(\.rawValue).joined(separator: ", ")); got \(v.shortDescription)"
                    )
                }
                return Initializer.gain(n)
            }
            return try readNumber(v, at: "\(location).gain", error: invalid)
        }
        func kaiming() throws -> (Double, FanMode, Nonlinearity) {
            try allow(["a", "mode", "nonlinearity"])
            let a = try number("a", 0)
            let modeName = try members["mode"].map { try readString($0, at: "\(location).mode", error: invalid) } ?? "fan_in"
            guard let mode = FanMode(rawValue: modeName) else {
                throw invalid("\(location).mode", "must be \"fan_in\" or \"fan_out\", got \(members["mode"]!.shortDescription)")
            }
            let nlName =
                try members["nonlinearity"].map { try readString($0, at: "\(location).nonlinearity", error: invalid) } ?? "leaky_relu"
            guard let nl = Nonlinearity(rawValue: nlName) else {
                throw invalid(
                    "\(location).nonlinearity",
                    "must be one of \(Nonlinearity.allCases.map(\.rawValue).joined(separator: ", ")); got \(members["nonlinearity"]!.shortDescription)"
                )
            }
            return (a, mode, nl)
        }
        switch name {
        case "zeros": try allow([]); self = .zeros
        case "ones": try allow([]); self = .ones
        case "constant":
            try allow(["value"])
            guard let v = members["value"] else { throw invalid(location, "is constant and needs a \"value\"") }
            self = .constant(Float(try readNumber(v, at: "\(location).value", error: invalid)))
        case "uniform":
            try allow(["a", "b"])
            let a = try number("a", 0), b = try number("b", 1)
            guard a <= b else { throw invalid(location, "needs a ≤ b, got a = \(a), b = \(b)") }
            self = .uniform(a: a, b: b)
        case "normal":
            try allow(["mean", "std"])
            self = .normal(mean: try number("mean", 0), std: try nonNegative("std", 1))
        case "trunc_normal":
            try allow(["mean", "std", "a", "b"])
            let a = try number("a", -2), b = try number("b", 2)
            guard a < b else { throw invalid(location, "needs a < b, got a = \(a), b = \(b)") }
            let std = try nonNegative("std", 1)
            guard std > 0 else { throw invalid("\(location).std", "must be positive") }
            self = .truncNormal(mean: try number("mean", 0), std: std, a: a, b: b)
        case "xavier_uniform": try allow(["gain"]); self = .xavierUniform(gain: try gain())
        case "xavier_normal", "glorot_normal": try allow(["gain"]); self = .xavierNormal(gain: try gain())
        case "glorot_uniform": try allow(["gain"]); self = .xavierUniform(gain: try gain())
        case "kaiming_uniform", "he_uniform":
            let (a, mode, nl) = try kaiming(); self = .kaimingUniform(a: a, mode: mode, nonlinearity: nl)
        case "kaiming_normal", "he_normal":
            let (a, mode, nl) = try kaiming(); self = .kaimingNormal(a: a, mode: mode, nonlinearity: nl)
        case "lecun_uniform": try allow([]); self = .lecunUniform
        case "lecun_normal": try allow([]); self = .lecunNormal
        case "orthogonal": try allow(["gain"]); self = .orthogonal(gain: try gain())
        case "eye": try allow([]); self = .eye
        case "dirac":
            try allow(["groups"])
            let groups = try number("groups", 1)
            guard groups >= 1, groups <= 1_048_576, groups == groups.rounded(.towardZero) else {
                throw invalid("\(location).groups", "must be a positive integer, got \(members["groups"]!.shortDescription)")
            }
            self = .dirac(groups: Int(groups))
        case "sparse":
            try allow(["sparsity", "std"])
            guard members["sparsity"] != nil else {
                throw invalid(location, "is sparse and needs a \"sparsity\" (the fraction of each column set to zero)")
            }
            let sparsity = try number("sparsity", 0)
            guard (0...1).contains(sparsity) else { throw invalid("\(location).sparsity", "must be between 0 and 1, got \(sparsity)") }
            self = .sparse(sparsity: sparsity, std: try nonNegative("std", 0.01))
        case "mixture":
            try allow(["components"])
            self = .mixture(try Self.decodeComponents(members["components"] ?? .null, location: "\(location).components"))
        default:
            if let f = Framework(rawValue: name) {
                try allow([])
                self = .framework(f)
                return
            }
            throw invalid(
                "\(location).name",
                "must be one of zeros, ones, constant, uniform, normal, trunc_normal, xavier_uniform, xavier_normal, kaiming_uniform, kaiming_normal, lecun_uniform, lecun_normal, orthogonal, eye, dirac, sparse, mixture, pytorch, mxnet, keras; got \(JSONValue.string(name).shortDescription)"
            )
        }
    }

    private static func decodeComponents(_ value: JSONValue, location: String) throws -> [MixtureComponent] {
        let invalid = NeuralNetError.invalidArgument
        guard case .array(let items) = value, !items.isEmpty else {
            throw invalid(location, "must be a non-empty array of {\"weight\": w, \"init\": {…}}")
        }
        guard items.count <= 64 else { throw invalid(location, "has more than 64 components") }
        var components: [MixtureComponent] = []
        for (i, item) in items.enumerated() {
            let at = "\(location)[\(i)]"
            guard case .object(let m) = item else { throw invalid(at, "must be an object, got \(item.shortDescription)") }
            try rejectUnknownKeys(m, allowed: ["weight", "init"], at: at, error: invalid)
            let w = try readNumber(m["weight"] ?? .null, at: "\(at).weight", error: invalid)
            guard w > 0 else { throw invalid("\(at).weight", "must be positive, got \(m["weight"]!.shortDescription)") }
            let initializer = try Initializer(json: m["init"] ?? .null, location: "\(at).init")
            guard initializer.isElementwise else {
                throw invalid(
                    "\(at).init", "must draw each element on its own (constant, zeros, ones, uniform or normal), not \(initializer.name)")
            }
            components.append(MixtureComponent(weight: w, initializer: initializer))
        }
        return components
    }
}
