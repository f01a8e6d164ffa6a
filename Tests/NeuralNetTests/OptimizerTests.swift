import NeuralNet
import Testing

/// Optimizer update rules on a hand-computable case, and their JSON form.
struct OptimizerTests {
    /// y = w·x with w = [1, −2], x = [1, 1], target 0: loss 1, gradient [−2, −2].
    func stepped(_ configuration: Optimizer.Configuration, steps: Int = 1) throws -> [Float] {
        var net = try Model(spec: json(#"{"type": "linear", "in": 2, "out": 1, "bias": false}"#))
        try net.replace("weight", with: tensor([1, 2], [1, -2]))
        var optimizer = Optimizer(configuration)
        for _ in 0..<steps {
            try net.trainStep(input: tensor([1, 2], [1, 1]), target: .values(tensor([1, 1], [0])), loss: .mse, optimizer: &optimizer)
        }
        return try net.parameter("weight").value.scalars
    }

    func close(_ a: [Float], _ b: [Float]) -> Bool { zip(a, b).allSatisfy { abs($0 - $1) <= 1e-6 } }

    @Test func sgdWithWeightDecay() throws {
        #expect(close(try stepped(.sgd(.init(learningRate: 0.1, weightDecay: 0.1))), [1.19, -1.78]))
    }

    @Test func nesterovFirstStepUsesTheGradientAsBuffer() throws {
        #expect(close(try stepped(.sgd(.init(learningRate: 0.1, momentum: 0.9, nesterov: true))), [1.38, -1.62]))
    }

    @Test func momentumAccumulatesAcrossSteps() throws {
        // Step 1: w = [1.2, −1.8], buf = [−2, −2]. Step 2: out = −0.6, g = [−1.2, −1.2],
        // buf = 0.9·[−2, −2] + [−1.2, −1.2] = [−3, −3], w = [1.5, −1.5].
        #expect(close(try stepped(.sgd(.init(learningRate: 0.1, momentum: 0.9)), steps: 2), [1.5, -1.5]))
    }

    @Test func adamFirstStepMovesByTheLearningRate() throws {
        #expect(close(try stepped(.adam(.init(learningRate: 0.1))), [1.1, -1.9]))
    }

    @Test func decodesPyTorchArgumentNames() throws {
        #expect(
            try Optimizer(json: json(#"{"name": "sgd", "lr": 0.5, "momentum": 0.9}"#)).configuration
                == .sgd(.init(learningRate: 0.5, momentum: 0.9)))
        #expect(
            try Optimizer(json: json(#"{"name": "adam", "betas": [0.8, 0.99], "eps": 1e-6}"#)).configuration
                == .adam(.init(learningRate: 1e-3, beta1: 0.8, beta2: 0.99, epsilon: 1e-6)))
    }

    static let malformed: [(String, String)] = [
        (#"{"name": "sgd"}"#, #"optimizer needs "lr""#),
        (#"{"name": "rmsprop", "lr": 1}"#, #"optimizer.name must be "sgd" or "adam", got "rmsprop""#),
        (#"{"name": "sgd", "lr": -1}"#, "optimizer.lr must be at least 0.0, got -1"),
        (#"{"name": "adam", "betas": [0.9, 1.5]}"#, "optimizer.betas must both be in [0, 1), got [0.9, 1.5]"),
        (#"{"name": "sgd", "lr": 0.1, "nesterov": true}"#, "optimizer nesterov needs a positive momentum and zero dampening"),
        (
            #"{"name": "sgd", "lr": 0.1, "momentom": 0.9}"#,
            "optimizer has an unknown field 'momentom'; allowed fields are 'dampening', 'lr', 'momentum', 'name', 'nesterov', 'weight_decay'"
        )
    ]

    @Test(arguments: malformed.indices)
    func malformedOptimizersAreBadRequests(_ i: Int) {
        let error = thrownError { _ = try Optimizer(json: json(Self.malformed[i].0)) }
        #expect(error?.description == Self.malformed[i].1)
        #expect(error?.category == .badRequest)
    }
}
