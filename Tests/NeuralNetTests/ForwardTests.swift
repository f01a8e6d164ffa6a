import NeuralNet
import Testing

/// Forward passes: values, batch handling, captured activations, input errors.
struct ForwardTests {
    @Test func mlpMatchesPyTorchOutput() throws {
        let net = try Model(spec: mlpSpec, seed: 0)
        let x = tensor([2, 4], [1, 2, 3, 4, -1, 0.5, 0, 2])
        let result = try net.forward(x, capture: ["0"])
        #expect(result.output.shape == [2, 1])
        let expected: [Float] = [-0.7206368446350098, -0.24385583400726318]
        for (a, b) in zip(result.output.scalars, expected) { #expect(abs(a - b) <= 1e-6) }
        let first: [Float] = [
            -2.497835397720337, 1.4014729261398315, -0.9755300879478455, -2.15248441696167, -1.3820171356201172, 2.6297190189361572,
            -0.24879473447799683, 0.8177037239074707
        ]
        let captured = try #require(result.activations["0"])
        #expect(captured.shape == [2, 8])
        for (a, b) in zip(captured.scalars.prefix(8), first) { #expect(abs(a - b) <= 1e-6) }
    }

    @Test func handComputedLinearWithFusedActivations() throws {
        var net = try Model(spec: json(#"{"type": "linear", "in": 2, "out": 2, "activation": "relu"}"#))
        try net.replace("weight", with: tensor([2, 2], [1, 2, -1, 0]))
        try net.replace("bias", with: tensor([2], [0.5, 0]))
        let y = try net.forward(tensor([1, 2], [3, 4])).output
        #expect(y.scalars == [11.5, 0])
    }

    @Test func softmaxRowsSumToOne() throws {
        let net = try Model(
            spec: json(#"{"type": "sequential", "layers": [{"type": "linear", "in": 3, "out": 5}, {"type": "softmax"}]}"#), seed: 3)
        let y = try net.forward(tensor([2, 3], [1, 2, 3, -1, 0, 1])).output
        for r in 0..<2 { #expect(abs(y.scalars[r * 5..<(r + 1) * 5].reduce(0, +) - 1) < 1e-6) }
    }

    @Test func flattenFoldsAllButTheBatch() throws {
        let net = try Model(spec: json(#"{"type": "sequential", "layers": [{"type": "flatten"}, {"type": "linear", "in": 6, "out": 2}]}"#))
        let r = try net.forward(Tensor(zeros: [4, 2, 3]), capture: ["0"])
        #expect(r.activations["0"]?.shape == [4, 6])
        #expect(r.output.shape == [4, 2])
    }

    @Test func anyBatchSizeIncludingZero() throws {
        let net = try Model(spec: mlpSpec)
        #expect(try net.forward(Tensor(zeros: [0, 4])).output.shape == [0, 1])
        #expect(try net.forward(Tensor(zeros: [17, 4])).output.shape == [17, 1])
    }

    @Test func wrongInputWidthNamesLayerAndBothWidths() throws {
        let net = try Model(spec: mlpSpec)
        let error = thrownError { _ = try net.forward(Tensor(zeros: [2, 5])) }
        #expect(error?.description == "input has 5 features but layer 0 (linear) expects 4 (input shape [2, 5])")
        #expect(error?.category == .cannotApply)
        #expect(thrownError { _ = try net.forward(Tensor(zeros: [4])) }?.category == .cannotApply)
        #expect(expectError(.unknownModule(path: "7")) { _ = try net.forward(Tensor(zeros: [1, 4]), capture: ["7"]) })
    }

    @Test func allFiniteSpotsNaNAndInfinity() {
        #expect(tensor([2], [1, 2]).allFinite)
        #expect(!tensor([2], [1, .nan]).allFinite)
        #expect(!tensor([2], [-.infinity, 2]).allFinite)
    }
}
