import JSON
import NeuralNet
import Testing

/// Re-creating a model from its spec and stored tensors, and getting the spec back.
struct PersistenceTests {
    @Test func roundTripKeepsEveryTensorAndAlias() throws {
        var net = try Model(spec: tiedSpec, seed: 3)
        try net.edit("4.weight", [.fill(0.25)])
        let restored = try Model(spec: net.specJSON, parameters: net.parametersByPath)
        #expect(try restored.namedParameters().map(\.value) == net.namedParameters().map(\.value))
        #expect(try restored.namedParameters().map(\.aliases) == net.namedParameters().map(\.aliases))
        #expect(restored.describe() == net.describe())
    }

    @Test func deferredLayerTakesItsWidthFromTheStoredWeight() throws {
        let spec = json(
            #"{"type": "sequential", "layers": [{"type": "linear", "out": 3}, {"type": "relu"}, {"type": "linear", "out": 2}]}"#)
        let lazy = try Model(spec: spec, seed: 0)
        let materialized = try #require(try lazy.forward(Tensor(zeros: [1, 5])).materializedModel)
        let stored = materialized.parametersByPath
        let restored = try Model(spec: spec, parameters: stored)
        #expect(!restored.hasDeferredLayers)
        #expect(try restored.parameter("0.weight").shape == [3, 5])
        #expect(try restored.namedParameters().map(\.value) == materialized.namedParameters().map(\.value))
        // The spec handed back carries the resolved width.
        guard case .object(let root) = materialized.specJSON, case .array(let layers) = root["layers"] ?? .null,
            case .object(let first) = layers[0]
        else { Issue.record("spec is not a sequential"); return }
        #expect(first["in"] == .number(5))
    }

    @Test func specJSONRoundTripsNamesIdsRefsAndOptions() throws {
        let spec = json(
            #"""
            {"type": "sequential", "layers": [
              {"type": "dense", "in": 3, "out": 4, "activation": {"type": "leaky_relu", "negative_slope": 0.01}, "name": "first"},
              {"type": "linear", "in": 4, "out": 4, "bias": false, "id": "t"},
              {"ref": "t", "name": "again"}, {"type": "leaky_relu", "negative_slope": 0.3}, {"type": "flatten"}]}
            """#)
        let net = try Model(spec: spec)
        let again = try Model(spec: net.specJSON)
        #expect(again.describe() == net.describe())
        #expect(again.specJSON == net.specJSON)
        #expect(try again.namedParameters().map(\.path) == ["first.weight", "first.bias", "1.weight"])
        #expect(try again.namedParameters()[2].aliases == ["again.weight"])
    }

    @Test func wrongStoredShapeUnknownPathAndMissingTensorAreRefused() throws {
        let net = try Model(spec: mlpSpec, seed: 0)
        var stored = net.parametersByPath
        stored["0.weight"] = Tensor(zeros: [8, 5])
        #expect(
            thrownError { _ = try Model(spec: mlpSpec, parameters: stored) }?.description
                == "'0.weight' has shape [8, 4] but the value given has shape [8, 5]")
        stored = net.parametersByPath
        stored["3.weight"] = Tensor(zeros: [1])
        #expect(expectError(.unknownParameter(path: "3.weight")) { _ = try Model(spec: mlpSpec, parameters: stored) })
        stored = net.parametersByPath
        stored["2.bias"] = nil
        #expect(
            thrownError { _ = try Model(spec: mlpSpec, parameters: stored) }?.description
                == "parameters lack '2.bias', which the spec defines")
    }

    @Test func aliasesAreAcceptedAsStorageKeys() throws {
        let net = try Model(spec: tiedSpec, seed: 0)
        var stored = net.parametersByPath
        stored["4.weight"] = stored.removeValue(forKey: "2.weight")
        let restored = try Model(spec: tiedSpec, parameters: stored)
        #expect(try restored.parameter("2.weight").value == net.parameter("2.weight").value)
        stored["2.weight"] = Tensor(zeros: [8, 8])
        #expect(thrownError { _ = try Model(spec: tiedSpec, parameters: stored) }?.category == .badRequest)
    }
}

/// Restoring models that are only partly materialized.
struct PartialRestoreTests {
    @Test func layersAfterADeferredOneMayBeAbsent() throws {
        // Layer 2 knows its width (8) but waits for the deferred layer 1 before drawing.
        let spec = json(
            #"{"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 8}, {"type": "flatten"}, {"type": "linear", "out": 8}, {"type": "linear", "in": 8, "out": 2}]}"#
        )
        let net = try Model(spec: spec, seed: 0)
        #expect(net.deferredParameterPaths == ["2.weight", "2.bias", "3.weight", "3.bias"])
        let restored = try Model(spec: net.specJSON, parameters: net.parametersByPath)
        #expect(restored.deferredParameterPaths == net.deferredParameterPaths)
        #expect(try restored.parameter("0.weight").value == net.parameter("0.weight").value)
        let x = Tensor(shape: [2, 4], repeating: 0.5)
        #expect(try restored.forward(x).output.shape == [2, 2])
    }
}
