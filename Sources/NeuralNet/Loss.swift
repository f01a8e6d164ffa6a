/// The losses backward starts from.
public enum LossKind: String, Sendable, Equatable, CaseIterable {
    /// Mean squared error over every element, `nn.MSELoss()`.
    case mse
    /// Softmax cross-entropy on logits with class labels, mean over rows, `nn.CrossEntropyLoss()`.
    /// The output is read as logits even if the model ends in softmax, as in PyTorch.
    case crossEntropy = "cross_entropy"
}

/// What the output is compared with.
public enum LossTarget: Sendable, Equatable {
    /// For mse: a tensor of the output's shape.
    case values(Tensor)
    /// For cross_entropy: one class index per row of the output (rows = all but the last dimension).
    case classes([Int])
}
