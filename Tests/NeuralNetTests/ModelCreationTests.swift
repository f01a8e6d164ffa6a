import NeuralNet
import Testing

/// Creating models from specs: construction order, seeding, deferred widths.
struct ModelCreationTests {
    @Test func pytorchDefaultMatchesTorchManualSeedZero() throws {
        let net = try Model(spec: json(#"{"type": "linear", "in": 4, "out": 3}"#), seed: 0)
        let w = try net.parameter("weight").value
        #expect(Array(w.scalars.prefix(4)) == [-0.00374341011, 0.268221796, -0.411522567, -0.367969513])
        #expect(try net.parameter("bias").value.scalars == [-0.477674246, -0.331141055, -0.20611155])
    }

    @Test func chapterMLPHasPyTorchWeights() throws {
        let net = try Model(spec: mlpSpec, seed: 0)
        #expect(
            Array(try net.parameter("0.weight").value.scalars.prefix(4)) == [
                -0.003743410110473633, 0.26822179555892944, -0.4115225672721863, -0.3679695129394531
            ])
        #expect(try net.parameter("2.bias").value.scalars == [-0.15679916739463806])
        #expect(try net.parameter("0.weight").shape == [8, 4])
    }

    @Test func sameSeedAndSpecGiveSameBits() throws {
        let a = try Model(spec: rgnetSpec, seed: 9)
        let b = try Model(spec: rgnetSpec, seed: 9)
        let c = try Model(spec: rgnetSpec, seed: 10)
        #expect(try a.namedParameters().map(\.value) == b.namedParameters().map(\.value))
        #expect(try a.namedParameters().map(\.value) != c.namedParameters().map(\.value))
    }

    @Test func denseIsAnAliasOfLinear() throws {
        let a = try Model(spec: json(#"{"type": "dense", "in": 4, "out": 3}"#), seed: 0)
        let b = try Model(spec: json(#"{"type": "linear", "in": 4, "out": 3}"#), seed: 0)
        #expect(try a.parameter("weight").value == b.parameter("weight").value)
    }

    @Test func deferredWidthInferredFromThePreviousLayer() throws {
        let net = try Model(spec: tiedSpec, seed: 0)
        #expect(!net.hasDeferredLayers)
        #expect(try net.parameter("6.weight").shape == [1, 8])
    }

    @Test func firstLayerWithoutInWaitsForInput() throws {
        let spec = json(
            #"{"type": "sequential", "layers": [{"type": "dense", "out": 8, "activation": "relu"}, {"type": "dense", "out": 1}]}"#)
        let net = try Model(spec: spec, seed: 0)
        #expect(net.hasDeferredLayers)
        #expect(net.deferredParameterPaths == ["0.weight", "0.bias", "1.weight", "1.bias"])
        #expect(try net.namedParameters().isEmpty)
        #expect(expectError(.notMaterialized(path: "0.weight")) { _ = try net.parameter("0.weight") })
        #expect(net.describe().contains("Linear(in_features=?, out_features=8, bias=True, activation=ReLU())"))
    }

    @Test func deferredLayersMaterializeOnFirstForwardWithTheSameBitsAsEager() throws {
        let lazy = try Model(
            spec: json(
                #"{"type": "sequential", "layers": [{"type": "linear", "out": 8}, {"type": "relu"}, {"type": "linear", "out": 1}]}"#),
            seed: 0)
        let eager = try Model(spec: mlpSpec, seed: 0)
        let x = tensor([2, 4], [1, 2, 3, 4, -1, 0.5, 0, 2])
        let result = try lazy.forward(x)
        let materialized = try #require(result.materializedModel)
        #expect(try materialized.namedParameters().map(\.value) == eager.namedParameters().map(\.value))
        #expect(result.output == (try eager.forward(x).output))
        #expect(lazy.hasDeferredLayers)
        #expect(try materialized.forward(x).materializedModel == nil)
    }

    @Test func inputShapeMaterializesAtCreation() throws {
        let spec = json(#"{"type": "sequential", "layers": [{"type": "flatten"}, {"type": "linear", "out": 3}]}"#)
        let net = try Model(spec: spec, seed: 0, inputShape: [2, 5])
        #expect(try net.parameter("1.weight").shape == [3, 10])
    }

    @Test func mxnetAndKerasDefaultsZeroTheBias() throws {
        for framework in [Initializer.Framework.mxnet, .keras] {
            let net = try Model(spec: mlpSpec, seed: 1, initializer: .framework(framework))
            #expect(try net.parameter("0.bias").value.scalars.allSatisfy { $0 == 0 })
        }
        let mx = try Model(spec: mlpSpec, seed: 1, initializer: .framework(.mxnet))
        #expect(try mx.parameter("0.weight").value.scalars.allSatisfy { abs($0) <= 0.07 })
    }
}
