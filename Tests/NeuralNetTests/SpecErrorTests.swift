import NeuralNet
import Testing

/// Malformed and hostile specs: each refused with the JSON location and reason, before allocation.
struct SpecErrorTests {
    static let cases: [(String, String, NeuralNetError.Category)] = [
        (
            #"{"type": "sequential", "layers": [{"type": "relu"}, {"type": "relu"}, {"type": "linear", "in": 4, "out": -3}]}"#,
            "spec.layers[2].out must be a positive integer, got -3", .badRequest
        ),
        (#"{"type": "linear", "in": 4}"#, #"spec is a linear layer and needs "out", its number of output features"#, .badRequest),
        (#"{"type": "linear", "in": 2.5, "out": 3}"#, "spec.in must be a positive integer, got 2.5", .badRequest),
        (#"{"type": "linear", "in": "4", "out": 3}"#, #"spec.in must be a positive integer, got "4""#, .badRequest),
        (
            #"{"type": "linear", "in": 4, "out": 3, "outt": 2}"#,
            "spec has an unknown field 'outt'; allowed fields are 'activation', 'bias', 'id', 'in', 'name', 'out', 'type'", .badRequest
        ),
        (
            #"{"type": "transformer"}"#,
            #"spec.type must be one of linear, dense, sequential, flatten, relu, sigmoid, tanh, gelu, leaky_relu, softmax, identity, batch_norm1d, batch_norm2d, layer_norm, embedding, dropout, residual, conv2d, max_pool2d, avg_pool2d; got "transformer""#,
            .badRequest
        ),
        (
            #"{"type": "sequential", "layers": [{"type": "relu", "name": "a.b"}]}"#,
            "spec.layers[0].name 'a.b' must not contain '.' or '*': names are path segments", .badRequest
        ),
        (#"{"type": "sequential", "layers": [{"type": "relu", "name": ""}]}"#, "spec.layers[0].name must not be empty", .badRequest),
        (
            #"{"type": "sequential", "layers": [{"type": "relu", "name": "1"}, {"type": "relu"}]}"#,
            "spec.layers[1].name '1' is already the name of another entry of this sequential", .badRequest
        ),
        (
            #"{"type": "sequential", "layers": [{"ref": "x"}]}"#,
            #"spec.layers[0].ref refers to 'x', but no earlier module has "id": "x""#, .badRequest
        ),
        (
            #"{"type": "sequential", "id": "x", "layers": [{"ref": "x"}]}"#,
            "spec.layers[0].ref refers to 'x', which contains this reference; a module cannot contain itself", .badRequest
        ),
        (
            #"{"type": "sequential", "layers": [{"type": "relu", "id": "a"}, {"type": "relu", "id": "a"}]}"#,
            "spec.layers[1].id 'a' is already the id of an earlier module; ids must be unique", .badRequest
        ),
        (#"{"type": "sequential", "layers": 3}"#, "spec.layers must be an array of modules, got 3", .badRequest),
        (#"[1, 2]"#, "spec must be an object, got an array", .badRequest),
        (#"{"type": "linear", "in": 1e9, "out": 1e9}"#, "spec.out is 1000000000, over the width limit of 1048576", .cannotApply),
        (#"{"type": "linear", "in": 1e300, "out": 1}"#, "spec.in is 1e+300, over the width limit of 1048576", .cannotApply),
        (
            #"{"type": "linear", "in": 1000000, "out": 1000000}"#,
            "spec (linear 1000000→1000000) has 1000001000000 parameters, which would bring the model over the limit of 100000000 parameters",
            .cannotApply
        ),
        (
            #"{"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 8}, {"type": "linear", "in": 5, "out": 1}]}"#,
            "spec: layer 1 (linear) expects 5 input features but the layers before it give 8", .badRequest
        ),
        (
            #"{"type": "linear", "in": 4, "out": 3, "activation": "swish"}"#,
            #"spec.activation must be one of relu, sigmoid, tanh, gelu, leaky_relu, softmax, identity; got "swish""#, .badRequest
        ),
        (
            #"{"type": "relu", "name": "x"}"#, "spec.name is not allowed on the root module; only entries of a sequential have names",
            .badRequest
        )
    ]

    @Test(arguments: cases.indices)
    func refusesWithLocationAndReason(_ i: Int) {
        let (spec, message, category) = Self.cases[i]
        let error = thrownError { _ = try Model(spec: json(spec)) }
        #expect(error?.description == message)
        #expect(error?.category == category)
    }

    @Test func refusesNestingDeeperThanTheLimit() {
        var spec = #"{"type": "relu"}"#
        for _ in 0..<40 { spec = #"{"type": "sequential", "layers": [\#(spec)]}"# }
        let error = thrownError { _ = try Model(spec: json(spec)) }
        #expect(error?.description.contains("nests sequential modules deeper than the limit of 32") == true)
    }

    @Test func refusesExponentialReferenceExpansion() {
        // Each level refers to the previous one twice: 2^30 positions if expanded.
        var layers = [#"{"type": "relu", "id": "l0"}"#]
        for i in 1...30 {
            layers.append(#"{"type": "sequential", "id": "l\#(i)", "layers": [{"ref": "l\#(i - 1)"}, {"ref": "l\#(i - 1)"}]}"#)
        }
        let spec = #"{"type": "sequential", "layers": [\#(layers.joined(separator: ", "))]}"#
        let error = thrownError { _ = try Model(spec: json(spec)) }
        #expect(error?.description.contains("more than 10000 module positions") == true)
        #expect(error?.category == .cannotApply)
    }

    @Test func refusesTooManyModulePositions() {
        let layers = Array(repeating: #"{"type": "relu"}"#, count: 20_000).joined(separator: ", ")
        let error = thrownError { _ = try Model(spec: json(#"{"type": "sequential", "layers": [\#(layers)]}"#)) }
        #expect(
            error?.description
                == "spec.layers[9999] brings the model to more than 10000 module positions, the limit (tied modules count at every use)")
    }

    @Test func refusesTooManyParametersAcrossLayers() {
        let layers = (0..<200).map { _ in #"{"type": "linear", "in": 1000, "out": 1000}"# }.joined(separator: ", ")
        let error = thrownError { _ = try Model(spec: json(#"{"type": "sequential", "layers": [\#(layers)]}"#)) }
        #expect(error?.description.hasPrefix("spec.layers[99] (linear 1000→1000) has 1001000 parameters") == true)
    }

    @Test func deferredLayerIsCheckedAgainstTheLimitWhenItMaterializes() throws {
        let limits = ModelLimits(maxParameters: 1000)
        let net = try Model(spec: json(#"{"type": "linear", "out": 100}"#), limits: limits)
        let error = thrownError { _ = try net.forward(Tensor(zeros: [1, 20])) }
        #expect(
            error?.description == "spec (linear 20→100) has 2100 parameters, which would bring the model over the limit of 1000 parameters")
    }

    @Test func badInputShapeIsRefused() {
        let error = thrownError { _ = try Model(spec: mlpSpec, inputShape: [5]) }
        #expect(error?.description == "spec: layer 0 (linear) expects 4 input features but the input_shape gives 5")
    }
}

/// Limits on what one forward pass may allocate.
struct ActivationLimitTests {
    @Test func hugeBatchTimesWideLayerIsRefusedBeforeRunning() throws {
        let net = try Model(spec: json(#"{"type": "linear", "in": 1, "out": 1000000}"#))
        let error = thrownError { _ = try net.forward(Tensor(zeros: [200, 1])) }
        #expect(
            error?.description
                == "input: a batch of 200 would need an activation of more than 134217728 elements, the limit; send smaller batches")
        #expect(error?.category == .cannotApply)
        #expect(try net.forward(Tensor(zeros: [2, 1])).output.shape == [2, 1_000_000])
    }
}
