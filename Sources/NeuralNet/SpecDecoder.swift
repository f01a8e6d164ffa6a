import JSON

/// A decoded model spec: the module tree and its linear layers in construction order.
struct DecodedSpec: Sendable {
    var root: ModuleNode
    var layers: [LinearLayer]
    /// The JSON location of each layer's definition, for messages found later.
    var layerLocations: [String]
}

/// Turns a spec `JSONValue` into a module tree, checking every field and every limit before
/// anything is allocated. Errors name the JSON location (`spec.layers[2].out`).
///
/// Construction order is spec order, depth first; a tied module is constructed once, where
/// its `id` is defined. Parameter ids follow that order, weight before bias.
struct SpecDecoder {
    let limits: ModelLimits
    private var layers: [LinearLayer] = []
    private var layerLocations: [String] = []
    private var definitions: [String: (node: ModuleNode, positions: Int)] = [:]
    private var openDefinitions: Set<String> = []
    private var positions = 0
    private var parameterCount = 0
    private var nextParameter = 0

    static let activationNames: [String: ActivationFunction] = [
        "relu": .relu, "sigmoid": .sigmoid, "tanh": .tanh, "gelu": .gelu, "softmax": .softmax,
        "identity": .identity, "leaky_relu": .leakyRelu(negativeSlope: 0.01),
    ]

    init(limits: ModelLimits) { self.limits = limits }

    /// Decodes the root module at `location` (usually `"spec"`).
    static func decode(_ spec: JSONValue, limits: ModelLimits, location: String = "spec") throws -> DecodedSpec {
        var decoder = SpecDecoder(limits: limits)
        let members = try spec.objectMembers(at: location)
        if members["name"] != nil {
            throw NeuralNetError.invalidSpec(location: "\(location).name", reason: "is not allowed on the root module; only entries of a sequential have names")
        }
        if members["ref"] != nil {
            throw NeuralNetError.invalidSpec(location: "\(location).ref", reason: "is not allowed on the root module: there is nothing earlier to refer to")
        }
        let root = try decoder.decodeModule(spec, name: "", explicitName: false, location: location, depth: 0)
        return DecodedSpec(root: root, layers: decoder.layers, layerLocations: decoder.layerLocations)
    }

    private mutating func countPositions(_ n: Int, at location: String) throws {
        positions += n
        if positions > limits.maxModules {
            throw NeuralNetError.limitExceeded(
                location: location, reason: "brings the model to more than \(limits.maxModules) module positions, the limit (tied modules count at every use)")
        }
    }

    mutating func decodeModule(_ value: JSONValue, name: String, explicitName: Bool, location: String, depth: Int) throws -> ModuleNode {
        let members = try value.objectMembers(at: location)
        if let target = members["ref"] {
            try rejectUnknownKeys(members, allowed: ["ref", "name"], at: location)
            let id = try readString(target, at: "\(location).ref")
            if openDefinitions.contains(id) {
                throw NeuralNetError.invalidSpec(location: "\(location).ref", reason: "refers to '\(id)', which contains this reference; a module cannot contain itself")
            }
            guard let definition = definitions[id] else {
                throw NeuralNetError.invalidSpec(location: "\(location).ref", reason: "refers to '\(id)', but no earlier module has \"id\": \"\(id)\"")
            }
            try countPositions(definition.positions, at: location)
            return definition.node.renamed(name, explicit: explicitName, reference: id)
        }
        guard let typeValue = members["type"] else {
            throw NeuralNetError.invalidSpec(location: location, reason: "needs a \"type\" (linear, dense, sequential, flatten or an activation) or a \"ref\"")
        }
        let type = try readString(typeValue, at: "\(location).type")
        var tieID: String?
        if let idValue = members["id"] {
            let id = try readString(idValue, at: "\(location).id")
            guard !id.isEmpty, id.count <= 128 else {
                throw NeuralNetError.invalidSpec(location: "\(location).id", reason: "must be 1 to 128 characters")
            }
            guard definitions[id] == nil, !openDefinitions.contains(id) else {
                throw NeuralNetError.invalidSpec(location: "\(location).id", reason: "'\(id)' is already the id of an earlier module; ids must be unique")
            }
            tieID = id
            openDefinitions.insert(id)
        }
        let positionsBefore = positions
        try countPositions(1, at: location)
        let kind: ModuleKind
        switch type {
        case "linear", "dense":
            kind = try decodeLinear(members, location: location)
        case "sequential":
            kind = try decodeSequential(members, location: location, depth: depth)
        case "flatten":
            try rejectUnknownKeys(members, allowed: ["type", "name", "id"], at: location)
            kind = .flatten
        case "leaky_relu":
            try rejectUnknownKeys(members, allowed: ["type", "name", "id", "negative_slope"], at: location)
            kind = .activation(try decodeLeakyRelu(members, location: location))
        default:
            guard let f = Self.activationNames[type] else {
                throw NeuralNetError.invalidSpec(
                    location: "\(location).type",
                    reason: "must be one of linear, dense, sequential, flatten, relu, sigmoid, tanh, gelu, leaky_relu, softmax, identity; got \(typeValue.shortDescription)")
            }
            try rejectUnknownKeys(members, allowed: ["type", "name", "id"], at: location)
            kind = .activation(f)
        }
        let node = ModuleNode(name: name, hasExplicitName: explicitName, kind: kind, tieID: tieID, isReference: false)
        if let tieID {
            openDefinitions.remove(tieID)
            definitions[tieID] = (node, positions - positionsBefore)
        }
        return node
    }

    private func decodeLeakyRelu(_ members: [String: JSONValue], location: String) throws -> ActivationFunction {
        guard let slope = members["negative_slope"] else { return .leakyRelu(negativeSlope: 0.01) }
        return .leakyRelu(negativeSlope: Float(try readNumber(slope, at: "\(location).negative_slope")))
    }

    private mutating func decodeLinear(_ members: [String: JSONValue], location: String) throws -> ModuleKind {
        try rejectUnknownKeys(members, allowed: ["type", "name", "id", "in", "out", "bias", "activation"], at: location)
        guard let outValue = members["out"] else {
            throw NeuralNetError.invalidSpec(location: location, reason: "is a linear layer and needs \"out\", its number of output features")
        }
        let out = try readPositiveInteger(outValue, at: "\(location).out", limit: limits.maxWidth, limitName: "width")
        var inFeatures: Int?
        if let inValue = members["in"], inValue != .null {
            inFeatures = try readPositiveInteger(inValue, at: "\(location).in", limit: limits.maxWidth, limitName: "width")
        }
        let hasBias = try members["bias"].map { try readBool($0, at: "\(location).bias") } ?? true
        let activation = try members["activation"].flatMap { try decodeFusedActivation($0, location: "\(location).activation") }
        if let inFeatures {
            try addParameters(inFeatures: inFeatures, out: out, bias: hasBias, location: location)
        }
        let weight = ParameterID(rawValue: nextParameter)
        let bias = hasBias ? ParameterID(rawValue: nextParameter + 1) : nil
        nextParameter += hasBias ? 2 : 1
        layers.append(LinearLayer(inFeatures: inFeatures, outFeatures: out, weight: weight, bias: bias, activation: activation))
        layerLocations.append(location)
        return .linear(layer: layers.count - 1)
    }

    /// Adds a layer's parameters to the running total, refusing before the total passes the limit.
    mutating func addParameters(inFeatures: Int, out: Int, bias: Bool, location: String) throws {
        parameterCount = try Self.checkedParameterTotal(
            adding: inFeatures, out: out, bias: bias, to: parameterCount, limits: limits, location: location)
    }

    /// `total + out·in (+ out)`, or `limitExceeded` when it overflows or passes the limit.
    static func checkedParameterTotal(adding inFeatures: Int, out: Int, bias: Bool, to total: Int, limits: ModelLimits, location: String) throws -> Int {
        let (w, o1) = out.multipliedReportingOverflow(by: inFeatures)
        let (wb, o2) = w.addingReportingOverflow(bias ? out : 0)
        let (t, o3) = total.addingReportingOverflow(wb)
        guard !o1, !o2, !o3, t <= limits.maxParameters else {
            let size = o1 || o2 ? "more than \(Int.max)" : String(wb)
            throw NeuralNetError.limitExceeded(
                location: location,
                reason: "(linear \(inFeatures)→\(out)) has \(size) parameters, which would bring the model over the limit of \(limits.maxParameters) parameters")
        }
        return t
    }

    private func decodeFusedActivation(_ value: JSONValue, location: String) throws -> ActivationFunction? {
        switch value {
        case .null: return nil
        case .string(let name):
            if name == "linear" || name == "identity" || name == "none" { return nil }
            guard let f = Self.activationNames[name] else {
                throw NeuralNetError.invalidSpec(
                    location: location, reason: "must be one of relu, sigmoid, tanh, gelu, leaky_relu, softmax, identity; got \(value.shortDescription)")
            }
            return f
        case .object(let members):
            try rejectUnknownKeys(members, allowed: ["type", "negative_slope"], at: location)
            let type = try readString(members["type"] ?? .null, at: "\(location).type")
            if type == "leaky_relu" { return try decodeLeakyRelu(members, location: location) }
            if members["negative_slope"] != nil {
                throw NeuralNetError.invalidSpec(location: "\(location).negative_slope", reason: "only applies to leaky_relu")
            }
            return try decodeFusedActivation(.string(type), location: "\(location).type")
        default:
            throw NeuralNetError.invalidSpec(location: location, reason: "must be an activation name or object, got \(value.shortDescription)")
        }
    }

    private mutating func decodeSequential(_ members: [String: JSONValue], location: String, depth: Int) throws -> ModuleKind {
        try rejectUnknownKeys(members, allowed: ["type", "name", "id", "layers"], at: location)
        guard depth < limits.maxDepth else {
            throw NeuralNetError.limitExceeded(location: location, reason: "nests sequential modules deeper than the limit of \(limits.maxDepth)")
        }
        guard case .array(let entries) = members["layers"] ?? .null else {
            throw NeuralNetError.invalidSpec(location: "\(location).layers", reason: "must be an array of modules, got \((members["layers"] ?? .null).shortDescription)")
        }
        var children: [ModuleNode] = []
        var used: Set<String> = []
        for (i, entry) in entries.enumerated() {
            let entryLocation = "\(location).layers[\(i)]"
            var name = String(i)
            var explicit = false
            if case .object(let m) = entry, let nameValue = m["name"] {
                name = try readString(nameValue, at: "\(entryLocation).name")
                try Self.validateName(name, at: "\(entryLocation).name")
                explicit = true
            }
            guard used.insert(name).inserted else {
                throw NeuralNetError.invalidSpec(location: "\(entryLocation).name", reason: "'\(name)' is already the name of another entry of this sequential")
            }
            children.append(try decodeModule(entry, name: name, explicitName: explicit, location: entryLocation, depth: depth + 1))
        }
        return .sequential(children)
    }

    /// Names become path segments: no ".", no "*" (pattern syntax), not empty, at most 128 characters.
    static func validateName(_ name: String, at location: String) throws {
        guard !name.isEmpty else { throw NeuralNetError.invalidSpec(location: location, reason: "must not be empty") }
        guard !name.contains("."), !name.contains("*") else {
            throw NeuralNetError.invalidSpec(location: location, reason: "'\(name)' must not contain '.' or '*': names are path segments")
        }
        guard name.count <= 128 else { throw NeuralNetError.invalidSpec(location: location, reason: "must be at most 128 characters") }
    }
}
