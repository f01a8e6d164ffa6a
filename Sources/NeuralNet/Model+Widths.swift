/// What static shape propagation knows about the features reaching a module.
enum FeatureShape {
    /// Nothing: the input shape is not known yet.
    case unknown
    /// The whole per-sample shape.
    case sample([Int])
    /// Only the last dimension (after a linear layer when the input shape is unknown).
    case lastDimension(Int)

    var width: Int? {
        switch self {
        case .unknown: nil
        case .sample(let s): s.last
        case .lastDimension(let w): w
        }
    }
}

extension Model {
    /// Where a width mismatch was found, which decides the error's kind and wording.
    enum WidthContext {
        /// While creating from a spec: the spec contradicts itself (bad request).
        case spec
        /// While running an input of this full shape (cannot apply).
        case input([Int])
    }

    /// Propagates feature widths through the tree, filling in the `in` of deferred layers
    /// and checking every given `in` against what reaches it.
    mutating func resolveWidths(sampleShape: [Int]?, context: WidthContext) throws {
        var sawLinear = false
        _ = try propagate(root, path: "", shape: sampleShape.map(FeatureShape.sample) ?? .unknown, context: context, sawLinear: &sawLinear)
    }

    private mutating func propagate(_ node: ModuleNode, path: String, shape: FeatureShape, context: WidthContext, sawLinear: inout Bool) throws -> FeatureShape {
        switch node.kind {
        case .activation:
            return shape
        case .flatten:
            if case .sample(let s) = shape {
                guard let n = Tensor.elementCount(s), n <= limits.maxWidth else {
                    throw widthError(context, "flatten at '\(path)' would give more features than the width limit \(limits.maxWidth)")
                }
                return .sample([n])
            }
            return .unknown
        case .sequential(let children):
            var s = shape
            for child in children {
                s = try propagate(child, path: ModelIndex.join(path, child.name), shape: s, context: context, sawLinear: &sawLinear)
            }
            return s
        case .linear(let l):
            defer { sawLinear = true }
            let layer = layers[l]
            let out: FeatureShape
            if case .sample(let s) = shape { out = .sample(s.dropLast() + [layer.outFeatures]) } else { out = .lastDimension(layer.outFeatures) }
            guard let width = shape.width else { return out }
            if let expected = layer.inFeatures {
                guard expected == width else {
                    throw mismatch(context, path: path, expected: expected, got: width, firstLinear: !sawLinear)
                }
            } else {
                guard width <= limits.maxWidth else {
                    throw widthError(context, "layer '\(path)' (linear) would receive \(width) features, over the width limit \(limits.maxWidth)")
                }
                layers[l].inFeatures = width
            }
            return out
        }
    }

    /// The element count of the largest per-sample output of any module for `sample` (the
    /// input included), once every width is resolved.
    func largestSampleElements(_ sample: [Int]) -> Int {
        var largest = sample.reduce(1, *)
        func walk(_ node: ModuleNode, _ s: [Int]) -> [Int] {
            let out: [Int]
            switch node.kind {
            case .activation: out = s
            case .flatten: out = [s.reduce(1, *)]
            case .sequential(let children): out = children.reduce(s) { walk($1, $0) }
            case .linear(let l): out = s.dropLast() + [layers[l].outFeatures]
            }
            largest = max(largest, out.reduce(1, *))
            return out
        }
        _ = walk(root, sample)
        return largest
    }

    private func widthError(_ context: WidthContext, _ sentence: String) -> NeuralNetError {
        switch context {
        case .spec: .limitExceeded(location: "spec:", reason: sentence)
        case .input: .limitExceeded(location: "input:", reason: sentence)
        }
    }

    private func mismatch(_ context: WidthContext, path: String, expected: Int, got: Int, firstLinear: Bool) -> NeuralNetError {
        let layer = "layer \(path.isEmpty ? "(the root)" : path) (linear)"
        switch context {
        case .spec:
            let source = firstLinear ? "the input_shape gives" : "the layers before it give"
            return .invalidSpec(location: "spec:", reason: "\(layer) expects \(expected) input features but \(source) \(got)")
        case .input(let shape):
            if firstLinear {
                return .incompatibleInput("input has \(got) features but \(layer) expects \(expected) (input shape \(formatShape(shape)))")
            }
            return .incompatibleInput("\(layer) expects \(expected) input features but receives \(got) from the layers before it (input shape \(formatShape(shape)))")
        }
    }
}
