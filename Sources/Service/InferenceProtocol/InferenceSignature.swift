import NeuralNet

/// A model as the Open Inference Protocol sees it: one FP32 input named `input` and one FP32
/// output named `output`, batch first, `-1` for a size that is not fixed.
///
/// The input is `[-1] + input_shape` when the model records one (a Keras-style model, or one
/// whose deferred layers a forward pass has materialized), else `[-1, in]` from the first
/// linear layer. A model whose first layer is still deferred (a Gluon-style `dense` without
/// `in`, before its first forward pass) takes `[-1, -1]`: any width, which the first inference
/// then fixes (a durable write, so the model's version advances). The output's shape follows
/// from the input's through the layers (`-1` where the input's is unknown).
struct InferenceSignature: Equatable, Sendable {
    static let inputName = "input"
    static let outputName = "output"

    let inputShape: [Int]
    let outputShape: [Int]

    init(_ model: Model) {
        let sample: [Int]
        if let shape = model.inputShape {
            sample = shape
        } else if case let width?? = Self.leadingWidth(model.root, model) {
            sample = [width]
        } else {
            sample = [-1]
        }
        inputShape = [-1] + sample
        outputShape = [-1] + Self.propagate(model.root, model, sample)
    }

    /// Whether a request's input shape fits: the same rank, every fixed size equal.
    func accepts(_ shape: [Int]) -> Bool {
        shape.count == inputShape.count && zip(shape, inputShape).allSatisfy { $1 == -1 || $0 == $1 }
    }

    /// What the first module that looks at the input's shape says of its width: the first
    /// linear layer's `in` (nil while deferred), nil for a flatten (any shape flattens), and no
    /// answer (`.none`) when `node` has neither.
    private static func leadingWidth(_ node: ModuleNode, _ model: Model) -> Int?? {
        switch node.kind {
        case .linear(let layer): return .some(model.layers[layer].inFeatures)
        case .activation: return nil
        case .flatten: return .some(nil)
        case .sequential(let children):
            for child in children {
                if let found = leadingWidth(child, model) { return found }
            }
            return nil
        }
    }

    /// The per-sample shape after `node`, `-1` where unknown.
    private static func propagate(_ node: ModuleNode, _ model: Model, _ shape: [Int]) -> [Int] {
        switch node.kind {
        case .activation:
            return shape
        case .flatten:
            return [shape.contains(-1) ? -1 : shape.reduce(1, *)]
        case .linear(let layer):
            return shape.dropLast() + [model.layers[layer].outFeatures]
        case .sequential(let children):
            return children.reduce(shape) { propagate($1, model, $0) }
        }
    }
}

/// Bounds on the tensors a request describes, checked before anything is allocated for them.
enum InferenceTensorLimits {
    /// The most dimensions a shape may have (a batch is rank 2 to 4 here; 8 leaves room for the
    /// error to say what is wrong).
    static let maxRank = 8
    /// The largest single dimension: 2^40, beyond any tensor a request can carry.
    static let maxDimension = 1 << 40
}
