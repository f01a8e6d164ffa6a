import JSON
import NeuralNet
import Testing

/// The layer kinds beyond linear: their trees, modes, shapes and hostile specs.
struct LayerKindsTests {
    @Test(arguments: LayerParityTests.networks)
    func printsLikePyTorch(_ name: String) throws {
        let fixture = try LayerParityTests.load(name)
        guard case .string(let tree) = fixture["tree"] else { throw ParityTests.FixtureError.malformed("tree") }
        #expect(try LayerParityTests.model(fixture).describe() == tree)
    }

    @Test func specRoundTripsThroughSpecJSON() throws {
        for name in LayerParityTests.networks {
            let net = try LayerParityTests.model(try LayerParityTests.load(name))
            let again = try Model(spec: net.specJSON, seed: net.seed)
            #expect(again.describe() == net.describe())
            #expect(again.stateDictKeys.map(\.key) == net.stateDictKeys.map(\.key))
        }
    }

    static let hostile: [(String, String, NeuralNetError.Category)] = [
        (#"{"type": "batch_norm1d", "num_features": 0}"#, "spec.num_features must be a positive integer, got 0", .badRequest),
        (#"{"type": "batch_norm2d", "num_features": -4}"#, "spec.num_features must be a positive integer, got -4", .badRequest),
        (#"{"type": "batch_norm1d"}"#, #"spec is a batch_norm1d layer and needs "num_features""#, .badRequest),
        (#"{"type": "batch_norm1d", "num_features": 4, "momentum": 2}"#, "spec.momentum must be between 0.0 and 1.0, got 2", .badRequest),
        (#"{"type": "batch_norm1d", "num_features": 4, "eps": 0}"#, "spec.eps must be positive, got 0", .badRequest),
        (#"{"type": "batch_norm1d", "num_features": 1e300}"#, "spec.num_features is 1e+300, over the width limit of 1048576", .cannotApply),
        (#"{"type": "layer_norm", "normalized_shape": [4, 0]}"#, "spec.normalized_shape[1] must be a positive integer, got 0", .badRequest),
        (
            #"{"type": "layer_norm", "normalized_shape": [65536, 65536]}"#,
            "spec.normalized_shape has more elements than the width limit 1048576", .cannotApply
        ),
        (#"{"type": "layer_norm", "normalized_shape": []}"#, "spec.normalized_shape must list 1 to 8 dimensions, got 0", .badRequest),
        (#"{"type": "embedding", "num_embeddings": 10}"#, #"spec is a embedding layer and needs "embedding_dim""#, .badRequest),
        (
            #"{"type": "embedding", "num_embeddings": 0, "embedding_dim": 4}"#, "spec.num_embeddings must be a positive integer, got 0",
            .badRequest
        ),
        (
            #"{"type": "embedding", "num_embeddings": 100000000, "embedding_dim": 4}"#,
            "spec.num_embeddings is 100000000, over the index (Float32 holds integers exactly up to 2^24) limit of 16777216", .cannotApply
        ),
        (
            #"{"type": "embedding", "num_embeddings": 16000000, "embedding_dim": 1000000}"#,
            "spec (embedding 16000000×1000000) has 16000000000000 parameters, which would bring the model over the limit of 100000000 parameters",
            .cannotApply
        ),
        (
            #"{"type": "embedding", "num_embeddings": 10, "embedding_dim": 4, "padding_idx": 10}"#,
            "spec.padding_idx must be an integer in -10..<10 (num_embeddings), got 10", .badRequest
        ),
        (
            #"{"type": "embedding", "num_embeddings": 10, "embedding_dim": 4, "max_norm": 1}"#,
            "spec.max_norm is not supported (only null, PyTorch's default)", .badRequest
        ),
        (#"{"type": "dropout", "p": 1.5}"#, "spec.p must be between 0.0 and 1.0, got 1.5", .badRequest),
        (#"{"type": "dropout", "p": "half"}"#, #"spec.p must be a finite number within Float32 range, got "half""#, .badRequest),
        (
            #"{"type": "flatten", "start_dim": 0}"#,
            "spec.start_dim must not be 0: the batch dimension stays (use 1 or more, or a negative dimension)", .badRequest
        ),
        (#"{"type": "flatten", "start_dim": 3, "end_dim": 2}"#, "spec.end_dim must not come before start_dim (3), got 2", .badRequest),
        (
            #"{"type": "residual", "layers": [{"type": "linear", "in": 4, "out": 8}]}"#,
            "spec: layer (the root) (residual) adds its input to its body's output, but the body turns (…, 4) into (…, 8)", .badRequest
        ),
        (
            #"{"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 6}, {"type": "layer_norm", "normalized_shape": 5}]}"#,
            "spec: layer 1 (layer_norm) normalizes trailing dimensions [5] but receives samples of shape (…, 6)", .badRequest
        )
    ]

    @Test(arguments: hostile.indices)
    func hostileSpecsNameTheMember(_ i: Int) {
        let (spec, message, category) = Self.hostile[i]
        let error = thrownError { _ = try Model(spec: json(spec)) }
        #expect(error?.description == message)
        #expect(error?.category == category)
    }

    @Test func batchNormChecksItsChannelsAgainstAKnownInput() throws {
        let spec = json(
            #"{"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 6}, {"type": "batch_norm1d", "num_features": 4}]}"#)
        let error = thrownError { _ = try Model(spec: spec, inputShape: [4]) }
        #expect(error?.description == "spec: layer 1 (batch_norm1d) expects input of shape (N, 4) or (N, 4, L) but receives (N, 6)")
        let net = try Model(spec: json(#"{"type": "batch_norm2d", "num_features": 3}"#))
        let input = thrownError { _ = try net.forward(Tensor(zeros: [2, 3, 4])) }
        #expect(
            input?.description
                == "layer (the root) (batch_norm2d) expects input of shape (N, 3, H, W) but receives (N, 3, 4) (input shape [2, 3, 4])")
    }

    @Test func residualChecksShapesOfAKnownInput() throws {
        let spec = json(#"{"type": "residual", "layers": [{"type": "flatten"}, {"type": "linear", "out": 12}]}"#)
        let error = thrownError { _ = try Model(spec: spec, inputShape: [3, 4]) }
        #expect(
            error?.description
                == "spec: layer (the root) (residual) adds its input to its body's output, but the body turns [3, 4] into [12]")
    }

    @Test func embeddingRefusesAnIndexOutOfRangeOrAFraction() throws {
        let net = try Model(spec: json(#"{"type": "embedding", "num_embeddings": 5, "embedding_dim": 2}"#))
        let high = thrownError { _ = try net.forward(tensor([1, 2], [1, 5])) }
        #expect(high == .incompatibleInput("layer '' (embedding) takes integer indices in 0..<5 (num_embeddings), got 5"))
        #expect(high?.category == .cannotApply)
        let fraction = thrownError { _ = try net.forward(tensor([1, 2], [1, 2.5])) }
        #expect(fraction?.description.hasSuffix("got 2.5") == true)
        #expect(thrownError { _ = try net.forward(tensor([1, 1], [-1])) } != nil)
        let rows = try net.forward(tensor([1, 2], [4, 0])).output
        #expect(rows.shape == [1, 2, 2])
        let table = try net.parameter("weight").value.scalars
        #expect(rows.scalars == Array(table[8..<10]) + Array(table[0..<2]))
    }

    @Test func batchNormWithoutRunningStatisticsCannotBeExportedToONNX() throws {
        let net = try Model(
            spec: json(#"{"type": "sequential", "layers": [{"type": "batch_norm1d", "num_features": 2, "track_running_stats": false}]}"#))
        let error = thrownError { _ = try net.onnx(graphName: "g") }
        #expect(error?.category == .cannotApply)
        #expect(error?.description.contains("layer '0' (batch_norm1d without track_running_stats)") == true)
        let tracked = try Model(spec: json(#"{"type": "batch_norm1d", "num_features": 2}"#))
        #expect(try !tracked.onnx(graphName: "g").isEmpty)
    }

    @Test func aPyTorchRuleKeepsTheEmbeddingsPaddingRowAtZero() throws {
        var net = try Model(spec: json(#"{"type": "embedding", "num_embeddings": 4, "embedding_dim": 3, "padding_idx": -1}"#))
        #expect(try net.parameter("weight").value.scalars.suffix(3) == [0, 0, 0])
        try net.initialize(InitializationRules(json: json(#"{"seed": 5, "init": "pytorch"}"#)))
        #expect(try net.parameter("weight").value.scalars.suffix(3) == [0, 0, 0])
        try net.initialize(InitializationRules(json: json(#"{"seed": 5, "init": "normal"}"#)))
        #expect(try net.parameter("weight").value.scalars.suffix(3) != [0, 0, 0], "a plain normal_ fills every row, as in PyTorch")
    }

    @Test func dropoutIsTheIdentityInEvalModeAndScalesKeptValuesInTrainMode() throws {
        let net = try Model(spec: json(#"{"type": "dropout", "p": 0.25}"#), seed: 4)
        let x = Tensor(shape: [100, 40], repeating: 2)
        #expect(try net.forward(x).output == x)
        let y = try net.forward(x, mode: .train).output
        let kept = y.scalars.filter { $0 != 0 }
        #expect(kept.allSatisfy { $0 == 2 * (1 / Float(0.75)) })
        let dropped = Double(y.count - kept.count) / Double(y.count)
        #expect(abs(dropped - 0.25) < 0.03, "dropped \(dropped)")
        #expect(try net.forward(x, mode: .train).output == y, "a forward never advances the stored generator")
        let all = try Model(spec: json(#"{"type": "dropout", "p": 1}"#))
        #expect(try all.forward(x, mode: .train).output == Tensor(zeros: x.shape))
    }

    @Test func batchNormNeedsMoreThanOneValuePerChannelToTrain() throws {
        var net = try Model(spec: json(#"{"type": "batch_norm1d", "num_features": 3}"#))
        let error = thrownError {
            try net.backward(input: tensor([1, 3], [1, 2, 3]), target: .values(tensor([1, 3], [0, 0, 0])), loss: .mse)
        }
        #expect(
            error == .incompatibleInput("layer '' (batch_norm1d) needs more than 1 value per channel in train mode, got input shape [1, 3]")
        )
        #expect(try net.buffer("num_batches_tracked").value.scalars == [0], "nothing changed")
        #expect(try net.forward(tensor([1, 3], [1, 2, 3])).output.shape == [1, 3], "eval mode uses the running statistics")
    }

    @Test func onlyBackwardAndTrainingMoveRunningStatistics() throws {
        var net = try Model(spec: json(#"{"type": "batch_norm1d", "num_features": 2, "momentum": 0.5}"#))
        let x = tensor([2, 2], [1, 10, 3, 20])
        _ = try net.forward(x, mode: .train)
        #expect(try net.buffer("running_mean").value.scalars == [0, 0])
        try net.backward(input: x, target: .values(Tensor(zeros: [2, 2])), loss: .mse)
        #expect(try net.buffer("running_mean").value.scalars == [1, 7.5])
        #expect(try net.buffer("running_var").value.scalars == [1.5, 25.5])
        #expect(try net.buffer("num_batches_tracked").value.scalars == [1])
        #expect(try net.namedBuffers().map(\.path) == ["running_mean", "running_var", "num_batches_tracked"])
        #expect(try net.namedParameters().map(\.path) == ["weight", "bias"])
    }

    @Test func buffersAreEditableByPathAndCountersStayIntegers() throws {
        var net = try Model(spec: json(#"{"type": "sequential", "layers": [{"type": "batch_norm1d", "num_features": 2}]}"#))
        try net.edit("0.running_var", [.fill(4)])
        #expect(try net.parameter("0.running_var").value.scalars == [4, 4])
        #expect(try net.parameter("0.running_var").isBuffer)
        let error = thrownError { try net.edit("0.num_batches_tracked", [.fill(1.5)]) }
        #expect(error?.description == "0.num_batches_tracked is an int64 counter and must hold integers from 0 to 2^24, got 1.5")
        let restored = try Model(spec: net.specJSON, parameters: net.parametersByPath.merging(net.buffersByPath) { a, _ in a })
        #expect(try restored.buffer("0.running_var").value.scalars == [4, 4])
    }

    @Test func flattenFoldsAnyRangeOfDimensions() throws {
        let net = try Model(spec: json(#"{"type": "flatten", "start_dim": 2}"#))
        let y = try net.forward(Tensor(zeros: [2, 3, 4, 5])).output
        #expect(y.shape == [2, 3, 20])
        let middle = try Model(spec: json(#"{"type": "flatten", "start_dim": 1, "end_dim": -2}"#))
        #expect(try middle.forward(Tensor(zeros: [2, 3, 4, 5])).output.shape == [2, 12, 5])
        #expect(middle.describe() == "Flatten(start_dim=1, end_dim=-2)")
        let error = thrownError { _ = try net.forward(Tensor(zeros: [2, 3])) }
        #expect(error?.category == .cannotApply)
    }

    @Test func keepsTheInitialFillOfTheNormsUnderAMatrixInitializer() throws {
        let net = try Model(
            spec: json(
                #"{"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 4}, {"type": "layer_norm", "normalized_shape": 4}]}"#
            ),
            initializer: .xavierUniform(gain: 1))
        #expect(try net.parameter("1.weight").value.scalars == [1, 1, 1, 1])
        #expect(try net.parameter("1.bias").value.scalars == [0, 0, 0, 0])
    }
}

/// The Keras-style summary counts running statistics as non-trainable parameters.
struct LayerSummaryTests {
    @Test func runningStatisticsAreNonTrainableParameters() throws {
        let net = try Model(
            spec: json(
                #"{"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 8}, {"type": "batch_norm1d", "num_features": 8}, {"type": "linear", "in": 8, "out": 2}]}"#
            ))
        let lines = net.summary().split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix(" 1 (BatchNorm1d)") && $0.hasSuffix("32") })
        #expect(lines.contains("Total params: 90"))
        #expect(lines.contains("Trainable params: 74"))
        #expect(lines.contains("Non-trainable params: 16"))
        #expect(try net.module(at: "1").nonTrainableCount == 16)
        #expect(try net.module(at: "1").parameterCount == 16)
    }
}
