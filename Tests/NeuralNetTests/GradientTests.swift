import NeuralNet
import Testing

/// Backward against central differences, for every layer kind and loss.
struct GradientTests {
    /// Checks every parameter element's gradient against (L(p+h) − L(p−h)) / 2h.
    func checkGradients(_ spec: String, input: Tensor, target: LossTarget, loss: LossKind, h: Float = 1e-2, seed: UInt64 = 1) throws {
        var net = try Model(spec: json(spec), seed: seed)
        try net.backward(input: input, target: target, loss: loss)
        for p in try net.namedParameters() {
            let gradient = try #require(p.gradient)
            for i in 0..<p.value.count {
                var plus = net
                var minus = net
                var up = p.value.scalars
                up[i] += h
                var down = p.value.scalars
                down[i] -= h
                try plus.replace(p.path, with: tensor(p.shape, up))
                try minus.replace(p.path, with: tensor(p.shape, down))
                let numeric =
                    (try plus.loss(input: input, target: target, loss: loss) - minus.loss(input: input, target: target, loss: loss))
                    / (2 * h)
                let analytic = gradient.scalars[i]
                #expect(abs(numeric - analytic) <= 2e-3 + 2e-2 * abs(analytic), "\(p.path)[\(i)]: numeric \(numeric), analytic \(analytic)")
            }
        }
    }

    let x = tensor([3, 4], [0.3, -1.2, 0.8, 0.5, -0.7, 0.1, 1.5, -0.4, 1.1, 0.9, -0.6, 0.2])

    @Test(arguments: ["sigmoid", "tanh", "gelu", "softmax", "identity"])
    func standaloneActivationWithMSE(_ activation: String) throws {
        let spec =
            #"{"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 5}, {"type": "\#(activation)"}, {"type": "linear", "in": 5, "out": 2}]}"#
        try checkGradients(spec, input: x, target: .values(tensor([3, 2], [0.1, -0.2, 0.3, 0.4, -0.5, 0.6])), loss: .mse)
    }

    @Test(arguments: ["relu", "leaky_relu"])
    func piecewiseLinearActivations(_ activation: String) throws {
        let spec =
            #"{"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 5}, {"type": "\#(activation)"}, {"type": "linear", "in": 5, "out": 2}]}"#
        try checkGradients(spec, input: x, target: .values(tensor([3, 2], [0.1, -0.2, 0.3, 0.4, -0.5, 0.6])), loss: .mse, h: 1e-3)
    }

    @Test(arguments: ["tanh", "sigmoid", "gelu", "softmax"])
    func fusedActivations(_ activation: String) throws {
        let spec =
            #"{"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 5, "activation": "\#(activation)"}, {"type": "linear", "in": 5, "out": 3, "bias": false}]}"#
        try checkGradients(spec, input: x, target: .classes([2, 0, 1]), loss: .crossEntropy)
    }

    @Test func crossEntropyThroughFlattenAndLeadingDimensions() throws {
        let spec =
            #"{"type": "sequential", "layers": [{"type": "flatten"}, {"type": "linear", "in": 4, "out": 3}, {"type": "tanh"}, {"type": "linear", "in": 3, "out": 4}]}"#
        try checkGradients(spec, input: tensor([3, 2, 2], x.scalars), target: .classes([3, 1, 0]), loss: .crossEntropy)
    }

    @Test func tiedWeightGradientIsTheSumOfBothUses() throws {
        let spec = #"""
            {"type": "sequential", "layers": [
              {"type": "linear", "in": 4, "out": 3}, {"type": "tanh"},
              {"type": "linear", "in": 3, "out": 3, "id": "shared"}, {"type": "tanh"},
              {"ref": "shared"}, {"type": "tanh"}, {"type": "linear", "out": 1}]}
            """#
        try checkGradients(spec, input: x, target: .values(tensor([3, 1], [0.5, -0.5, 0.25])), loss: .mse)
    }

    @Test func gradientsAccumulateUntilZeroed() throws {
        var net = try Model(spec: mlpSpec, seed: 0)
        #expect(try net.parameter("0.weight").gradient == nil)
        let target = LossTarget.values(tensor([3, 1], [1, 2, 3]))
        try net.backward(input: x, target: target, loss: .mse)
        let once = try #require(try net.parameter("0.weight").gradient)
        try net.backward(input: x, target: target, loss: .mse)
        let twice = try #require(try net.parameter("0.weight").gradient)
        for (a, b) in zip(once.scalars, twice.scalars) { #expect(abs(2 * a - b) <= 1e-6 * max(1, abs(b))) }
        net.zeroGradients()
        #expect(try net.parameter("0.weight").gradient?.scalars.allSatisfy { $0 == 0 } == true)
    }

    @Test func badTargetsChangeNothing() throws {
        var net = try Model(spec: mlpSpec, seed: 0)
        let before = net.store
        #expect(
            thrownError { try net.backward(input: x, target: .values(Tensor(zeros: [3, 2])), loss: .mse) }?.description
                == "target has shape [3, 2] but the output has shape [3, 1]")
        #expect(
            thrownError { try net.backward(input: x, target: .classes([0, 1, 0]), loss: .crossEntropy) }?.description
                == "class label 1 is outside 0..<1, the output's 1 classes")
        #expect(thrownError { try net.backward(input: x, target: .classes([0]), loss: .crossEntropy) }?.category == .cannotApply)
        #expect(thrownError { try net.backward(input: x, target: .classes([0, 0, 0]), loss: .mse) }?.category == .cannotApply)
        #expect(net.store == before)
    }
}
