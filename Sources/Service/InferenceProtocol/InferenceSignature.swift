import NeuralNet

/// A model as the Open Inference Protocol sees it: one input named `input` (FP32, or INT64 token
/// ids for a model that starts with an embedding) and one FP32 output named `output`, batch
/// first, `-1` for a size that is not fixed.
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
    /// INT64 for a model that reads indices first (an embedding's token ids), else FP32. Any
    /// datatype that converts is accepted; this is the one the metadata advertises.
    let inputDatatype: InferenceDatatype

    init(_ model: Model) {
        inputDatatype = model.inputDemand?.integers == true ? .int64 : .fp32
        let sample = model.inputShape ?? model.inputDemand?.sample ?? [-1]
        inputShape = [-1] + sample
        let input: FeatureShape = sample.contains(-1) ? .unknown : .sample(sample)
        switch model.outputShape(of: model.root, for: input) {
        case .sample(let s): outputShape = [-1] + s
        case .lastDimension(let w): outputShape = [-1] + Array(repeating: -1, count: max(sample.count - 1, 0)) + [w]
        case .unknown: outputShape = [-1, -1]
        }
    }

    /// Whether a request's input shape fits: the same rank, every fixed size equal.
    func accepts(_ shape: [Int]) -> Bool {
        shape.count == inputShape.count && zip(shape, inputShape).allSatisfy { $1 == -1 || $0 == $1 }
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
