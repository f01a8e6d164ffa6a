extension Model {
    /// Propagates shapes through the tree, filling in the input widths of deferred layers and
    /// checking every layer against what reaches it.
    /// - Returns: the element count of the largest per-sample shape on the way, the input's
    ///   included (the activation bound's unit).
    @discardableResult
    mutating func resolveWidths(sampleShape: [Int]?, context widthContext: WidthContext) throws -> Int {
        var context = ShapeContext(layers: layers, limits: limits, widthContext: widthContext)
        let input = sampleShape.map(FeatureShape.sample) ?? .unknown
        context.note(input)
        _ = try context.infer(root, input)
        layers = context.layers
        return context.largestSample
    }

    /// The per-sample output shape of `node` for `input`, without changing anything (a deferred
    /// layer's width stays open); `.unknown` when the shapes do not fit.
    public func outputShape(of node: ModuleNode, for input: FeatureShape) -> FeatureShape {
        var context = ShapeContext(layers: layers, limits: limits, widthContext: .spec)
        return (try? context.infer(node, input)) ?? .unknown
    }

    /// What the first layer the input reaches demands of it (nil: nothing known yet).
    public var inputDemand: InputDemand? { Self.inputDemand(of: [root], in: layers) }

    /// The demand of the first of `nodes` that has one.
    static func inputDemand(of nodes: [ModuleNode], in layers: [any Layer]) -> InputDemand? {
        for node in nodes {
            if let demand = layers[node.layer].inputDemand(node, in: layers) { return demand }
        }
        return nil
    }

    /// The input width of the first layer with parameters, in construction order, when it
    /// takes one feature dimension of known width (a linear layer's `in`).
    public var firstWeightedLayerWidth: Int? {
        guard let l = layers.firstIndex(where: { !$0.parameters.isEmpty }) else { return nil }
        let demand = layers[l].inputDemand(ModuleNode.placeholder(l), in: layers)
        guard let sample = demand?.sample, sample.count == 1, sample[0] > 0, demand?.integers == false else { return nil }
        return sample[0]
    }
}
