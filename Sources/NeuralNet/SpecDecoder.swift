import JSON

/// A decoded model spec: the module tree and its layers in construction order.
struct DecodedSpec: Sendable {
    var root: ModuleNode
    var layers: [any Layer]
    /// The JSON location of each layer's definition, for messages found later.
    var layerLocations: [String]
}

/// Turns a spec `JSONValue` into a module tree, checking every field and every limit before
/// anything is allocated. Errors name the JSON location (`spec.layers[2].out`).
///
/// Construction order is spec order, depth first; a tied module is constructed once, where
/// its `id` is defined. Tensor ids follow that order, each layer's in PyTorch's registration
/// order (parameters, then buffers).
struct SpecDecoder {
    let limits: ModelLimits
    private var layers: [any Layer] = []
    private var layerLocations: [String] = []
    private var definitions: [String: (node: ModuleNode, positions: Int)] = [:]
    private var openDefinitions: Set<String> = []
    private var positions = 0
    private var parameterCount = 0
    private var nextTensor = 0
    /// The children a container's `decode` just decoded, taken by `decodeModule`.
    private var decodedChildren: [ModuleNode] = []

    init(limits: ModelLimits) { self.limits = limits }

    /// Decodes the root module at `location` (usually `"spec"`).
    static func decode(_ spec: JSONValue, limits: ModelLimits, location: String = "spec") throws -> DecodedSpec {
        var decoder = SpecDecoder(limits: limits)
        let members = try spec.objectMembers(at: location)
        if members["name"] != nil {
            throw NeuralNetError.invalidSpec(
                location: "\(location).name", reason: "is not allowed on the root module; only entries of a sequential have names")
        }
        if members["ref"] != nil {
            throw NeuralNetError.invalidSpec(
                location: "\(location).ref", reason: "is not allowed on the root module: there is nothing earlier to refer to")
        }
        let root = try decoder.decodeModule(spec, name: "", explicitName: false, location: location, depth: 0)
        return DecodedSpec(root: root, layers: decoder.layers, layerLocations: decoder.layerLocations)
    }

    /// The id of the next tensor a layer registers.
    mutating func newTensorID() -> ParameterID {
        defer { nextTensor += 1 }
        return ParameterID(rawValue: nextTensor)
    }

    private mutating func countPositions(_ n: Int, at location: String) throws {
        positions += n
        if positions > limits.maxModules {
            throw NeuralNetError.limitExceeded(
                location: location,
                reason: "brings the model to more than \(limits.maxModules) module positions, the limit (tied modules count at every use)")
        }
    }

    mutating func decodeModule(_ value: JSONValue, name: String, explicitName: Bool, location: String, depth: Int) throws -> ModuleNode {
        let members = try value.objectMembers(at: location)
        if let target = members["ref"] {
            try rejectUnknownKeys(members, allowed: ["ref", "name"], at: location)
            let id = try readString(target, at: "\(location).ref")
            if openDefinitions.contains(id) {
                throw NeuralNetError.invalidSpec(
                    location: "\(location).ref", reason: "refers to '\(id)', which contains this reference; a module cannot contain itself")
            }
            guard let definition = definitions[id] else {
                throw NeuralNetError.invalidSpec(
                    location: "\(location).ref", reason: "refers to '\(id)', but no earlier module has \"id\": \"\(id)\"")
            }
            try countPositions(definition.positions, at: location)
            return definition.node.renamed(name, explicit: explicitName, reference: id)
        }
        guard let typeValue = members["type"] else {
            throw NeuralNetError.invalidSpec(
                location: location, reason: "needs a \"type\" (linear, dense, sequential, flatten or an activation) or a \"ref\"")
        }
        let type = try readString(typeValue, at: "\(location).type")
        var tieID: String?
        if let idValue = members["id"] {
            let id = try readString(idValue, at: "\(location).id")
            guard !id.isEmpty, id.count <= 128 else {
                throw NeuralNetError.invalidSpec(location: "\(location).id", reason: "must be 1 to 128 characters")
            }
            guard definitions[id] == nil, !openDefinitions.contains(id) else {
                throw NeuralNetError.invalidSpec(
                    location: "\(location).id", reason: "'\(id)' is already the id of an earlier module; ids must be unique")
            }
            tieID = id
            openDefinitions.insert(id)
        }
        let positionsBefore = positions
        try countPositions(1, at: location)
        guard let kind = LayerKinds.kind(named: type) else {
            throw NeuralNetError.invalidSpec(
                location: "\(location).type",
                reason: "must be one of \(LayerKinds.typeNames.joined(separator: ", ")); got \(typeValue.shortDescription)")
        }
        decodedChildren = []
        let layer = try kind.decode(LayerSpec(type: type, members: members, location: location, depth: depth), decoder: &self)
        let children = decodedChildren
        decodedChildren = []
        layers.append(layer)
        layerLocations.append(location)
        let node = ModuleNode(
            name: name, hasExplicitName: explicitName, layer: layers.count - 1, children: children, tieID: tieID, isReference: false)
        if let tieID {
            openDefinitions.remove(tieID)
            definitions[tieID] = (node, positions - positionsBefore)
        }
        return node
    }

    /// Adds a layer's parameters to the running total, refusing before the total passes the limit.
    mutating func countParameters(of layer: any Layer, location: String) throws {
        parameterCount = try Self.checkedParameterTotal(adding: layer, to: parameterCount, limits: limits, location: location)
    }

    /// `total` plus the elements of `layer`'s parameters of known shape, or `limitExceeded`
    /// when it overflows or passes the limit.
    static func checkedParameterTotal(adding layer: any Layer, to total: Int, limits: ModelLimits, location: String) throws -> Int {
        var size: Int? = 0
        for shape in layer.parameters.compactMap(\.shape) {
            guard let s = size, let n = Tensor.elementCount(shape) else { size = nil; break }
            let (sum, overflow) = s.addingReportingOverflow(n)
            size = overflow ? nil : sum
        }
        let (t, overflow) = total.addingReportingOverflow(size ?? 0)
        guard size != nil, !overflow, t <= limits.maxParameters else {
            throw NeuralNetError.limitExceeded(
                location: location,
                reason:
                    "(\(layer.sizeLabel)) has \(size.map(String.init) ?? "more than \(Int.max)") parameters, which would bring the model over the limit of \(limits.maxParameters) parameters"
            )
        }
        return t
    }

    /// Decodes a container's `layers` (each entry named by its `name` or index) as the node's
    /// children; a container's `decode` calls this once.
    mutating func decodeChildren(_ spec: LayerSpec) throws {
        let (members, location, depth) = (spec.members, spec.location, spec.depth)
        guard depth < limits.maxDepth else {
            throw NeuralNetError.limitExceeded(
                location: location, reason: "nests sequential modules deeper than the limit of \(limits.maxDepth)")
        }
        guard case .array(let entries) = members["layers"] ?? .null else {
            throw NeuralNetError.invalidSpec(
                location: "\(location).layers", reason: "must be an array of modules, got \((members["layers"] ?? .null).shortDescription)")
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
                throw NeuralNetError.invalidSpec(
                    location: "\(entryLocation).name", reason: "'\(name)' is already the name of another entry of this sequential")
            }
            children.append(try decodeModule(entry, name: name, explicitName: explicit, location: entryLocation, depth: depth + 1))
        }
        decodedChildren = children
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
