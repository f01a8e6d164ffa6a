import JSON
import NeuralNet

/// LeNet as a paramd `Model` (what the service runs): `Model.forward` in eval mode, and
/// `Model.trainStep` with SGD (forward, cross-entropy, backward, update), on inputs built once.
final class LeNetModel {
    static let spec =
        #"{"type": "sequential", "layers": [{"type": "conv2d", "in_channels": 1, "out_channels": 6, "kernel_size": 5, "padding": 2}, {"type": "relu"}, {"type": "max_pool2d", "kernel_size": 2}, {"type": "conv2d", "in_channels": 6, "out_channels": 16, "kernel_size": 5}, {"type": "relu"}, {"type": "max_pool2d", "kernel_size": 2}, {"type": "flatten"}, {"type": "linear", "in": 400, "out": 120}, {"type": "relu"}, {"type": "linear", "in": 120, "out": 84}, {"type": "relu"}, {"type": "linear", "in": 84, "out": 10}]}"#

    private var model: Model
    private var optimizer = Optimizer(.sgd(.init(learningRate: 0.01)))
    private let input: Tensor
    private let labels: LossTarget

    init(batch: Int) throws {
        model = try Model(spec: try JSONValue(parsing: Self.spec), seed: 0, inputShape: [1, 28, 28])
        input = try Tensor(shape: [batch, 1, 28, 28], scalars: uniform(batch * 784, seed: 5))
        labels = .classes((0..<batch).map { $0 % 10 })
    }

    func forward() throws { _ = try model.forward(input) }

    func trainStep() throws { _ = try model.trainStep(input: input, target: labels, loss: .crossEntropy, optimizer: &optimizer) }
}
