public import JSON
import Kernels

/// Which initializer applies where, with a seed: `{"seed": 1, "rules": [{"match":
/// "**.weight", "init": {"name": "normal", "std": 0.01}}, {"match": "**.bias", "init": "zeros"}]}`.
///
/// A rule's `match` selects a parameter when it matches the parameter's path or an alias,
/// or the path of a module containing it (`"0"`, `"0.block 1"`, `"**"`). Each selected
/// parameter is filled once, by the last rule that selects it, in listing order (weight
/// then bias, layer by layer), which is the order `net.apply(init_fn)` fills them in
/// PyTorch. A parameter no rule selects keeps its value. A rule that selects a module
/// with a fan-based or matrix initializer (xavier, kaiming, lecun, orthogonal, eye) fills
/// the weights under it and leaves the biases, as the chapter's `net[0].apply(xavier)` does;
/// naming a bias directly with one is an error.
public struct InitializationRules: Sendable, Equatable {
    public struct Rule: Sendable, Equatable {
        public let pattern: PathPattern
        public let initializer: Initializer
        public init(pattern: PathPattern, initializer: Initializer) {
            self.pattern = pattern
            self.initializer = initializer
        }
    }

    public let seed: UInt64
    public let rules: [Rule]
    /// Where each rule's `match` came from, for messages (`body.rules[1].match`).
    let matchLocations: [String]

    public init(seed: UInt64, rules: [Rule]) {
        self.seed = seed
        self.rules = rules
        matchLocations = rules.indices.map { "rules[\($0)].match" }
    }

    /// Decodes the JSON form; `seed` defaults to 0, `match` to `"**"`. A bare initializer
    /// (`"init": …` without `rules`) is one rule for everything.
    /// - Throws: `invalidArgument` naming the location (`rules[1].init.std`).
    public init(json: JSONValue, location: String = "body") throws {
        let invalid = NeuralNetError.invalidArgument
        guard case .object(let members) = json else {
            throw invalid(location, "must be an object with \"rules\", got \(json.shortDescription)")
        }
        try rejectUnknownKeys(members, allowed: ["seed", "rules", "init", "match"], at: location, error: invalid)
        seed = try Self.decodeSeed(members["seed"], location: "\(location).seed")
        if members["rules"] == nil {
            guard let initValue = members["init"] else {
                throw invalid(location, "needs \"rules\": [{\"match\": …, \"init\": …}] or a single \"init\"")
            }
            let pattern = try PathPattern(
                try readString(members["match"] ?? .string("**"), at: "\(location).match", error: invalid), location: "\(location).match")
            rules = [Rule(pattern: pattern, initializer: try Initializer(json: initValue, location: "\(location).init"))]
            matchLocations = ["\(location).match"]
            return
        }
        guard members["init"] == nil, members["match"] == nil else {
            throw invalid(location, "has both \"rules\" and a top-level \"init\"/\"match\"; put every rule in \"rules\"")
        }
        guard case .array(let items) = members["rules"]!, !items.isEmpty, items.count <= 256 else {
            throw invalid("\(location).rules", "must be an array of 1 to 256 rules")
        }
        var decoded: [Rule] = []
        for (i, item) in items.enumerated() {
            let at = "\(location).rules[\(i)]"
            guard case .object(let m) = item else { throw invalid(at, "must be an object, got \(item.shortDescription)") }
            try rejectUnknownKeys(m, allowed: ["match", "init"], at: at, error: invalid)
            let pattern = try PathPattern(
                try readString(m["match"] ?? .string("**"), at: "\(at).match", error: invalid), location: "\(at).match")
            guard let initValue = m["init"] else { throw invalid(at, "needs an \"init\"") }
            decoded.append(Rule(pattern: pattern, initializer: try Initializer(json: initValue, location: "\(at).init")))
        }
        rules = decoded
        matchLocations = decoded.indices.map { "\(location).rules[\($0)].match" }
    }

    /// A seed: an integer in 0…2⁵³ (exact in JSON's doubles); PyTorch keeps its low 32 bits.
    public static func decodeSeed(_ value: JSONValue?, location: String) throws -> UInt64 {
        guard let value else { return 0 }
        guard case .number(let d) = value, d.isFinite, d == d.rounded(.towardZero), d >= 0, d <= 9_007_199_254_740_992 else {
            throw NeuralNetError.invalidArgument(
                location: location, reason: "must be an integer from 0 to 2^53, got \(value.shortDescription)")
        }
        return UInt64(d)
    }
}

extension Model {
    /// Re-initializes the parameters the rules select (see `InitializationRules`), drawing
    /// from a generator seeded with `rules.seed`, as `torch.manual_seed(seed)` then the
    /// matching `torch.nn.init` calls would. Atomic: nothing changes when it throws.
    /// - Returns: the paths filled, in order.
    /// - Throws: `noMatch` for a rule that selects nothing (usually a typo);
    ///   `initializerNotApplicable` (e.g. xavier on a bias).
    @discardableResult
    public mutating func initialize(_ rules: InitializationRules) throws -> [String] {
        var chosen: [ParameterID: Initializer] = [:]
        for (i, rule) in rules.rules.enumerated() {
            let selected = selection(of: rule.pattern)
            if selected.isEmpty { throw NeuralNetError.noMatch(location: rules.matchLocations[i], pattern: rule.pattern.description) }
            for entry in index.entries {
                guard let how = selected[entry.id] else { continue }
                // Selected through its module, a bias (or a norm's 1-D weight) is left to rules
                // that suit it: the chapter's `xavier(m)` fills `m.weight` only.
                if how == .throughModule && rule.initializer.needsMatrix && (store.values[entry.id]?.rank ?? 0) < 2 { continue }
                if store.values[entry.id] != nil { chosen[entry.id] = rule.initializer }
            }
        }
        var generator = PyTorchGenerator(seed: rules.seed)
        var values = store.values
        var filled: [String] = []
        for entry in index.entries {
            guard let initializer = chosen[entry.id], var t = values[entry.id] else { continue }
            let layer = layers[entry.layer]
            let tensor = layer.parameters[entry.ordinal]
            try Self.fill(&t, tensor, of: layer, with: initializer, path: entry.path, generator: &generator)
            // A framework default is the layer's reset_parameters, padding row included.
            if case .framework = initializer { layer.finishCreation(&t, of: tensor) }
            values[entry.id] = t
            filled.append(entry.path)
        }
        store.values = values
        return filled
    }

    private enum Selection { case direct, throughModule }

    /// How `pattern` selects each parameter: directly (it matches one of the parameter's
    /// paths) or through a module (it matches the path of a module containing it). One walk
    /// of the tree: O(positions · pattern segments), whatever the pattern.
    private func selection(of pattern: PathPattern) -> [ParameterID: Selection] {
        var result: [ParameterID: Selection] = [:]
        func walk(_ node: ModuleNode, _ state: PathPattern.State, insideMatch: Bool) {
            let inside = insideMatch || pattern.accepts(state)
            if state.isDead && !inside { return }
            for tensor in layers[node.layer].parameters {
                if pattern.accepts(pattern.advance(state, by: tensor.name)) {
                    result[tensor.id] = .direct
                } else if inside && result[tensor.id] == nil {
                    result[tensor.id] = .throughModule
                }
            }
            for child in node.children { walk(child, pattern.advance(state, by: child.name), insideMatch: inside) }
        }
        walk(root, pattern.start, insideMatch: false)
        return result
    }
}
