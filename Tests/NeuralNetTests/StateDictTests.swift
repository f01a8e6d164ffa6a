import Testing
@testable import NeuralNet

/// State dicts as PyTorch has them: every name of a tied parameter, strict and non-strict loads.
struct StateDictTests {
    @Test func listsATiedParameterUnderEachName() throws {
        let model = try Model(spec: tiedSpec, seed: 7)
        #expect(model.stateDictKeys.map(\.key) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias", "6.weight", "6.bias"])
        let values = Dictionary(uniqueKeysWithValues: try model.stateDict().map { ($0.key, $0.value) })
        #expect(values["2.weight"] == values["4.weight"])
    }

    @Test func followsDeclarationOrderThroughNamedBlocks() throws {
        let keys = try Model(spec: rgnetSpec, seed: 0).stateDictKeys.map(\.key)
        #expect(keys.count == 18)
        #expect(Array(keys.prefix(3)) == ["0.block 0.0.weight", "0.block 0.0.bias", "0.block 0.2.weight"])
        #expect(keys.last == "1.bias")
    }

    @Test func aDeferredLayerHasNoStateDictYet() throws {
        let model = try Model(spec: json(#"{"type": "sequential", "layers": [{"type": "dense", "out": 2}]}"#), seed: 0)
        #expect(expectError(.notMaterialized(path: "0.weight")) { _ = try model.stateDict() })
    }

    @Test func loadsOneNameOfATiedPairAndFillsTheOther() throws {
        var model = try Model(spec: tiedSpec, seed: 7)
        var values = Dictionary(uniqueKeysWithValues: try model.stateDict().map { ($0.key, $0.value) })
        values["4.weight"] = nil
        values["4.bias"] = nil
        values["2.weight"] = Tensor(shape: [8, 8], repeating: 0.5)
        let load = try model.loadStateDict(values)
        #expect(load.isExact)
        #expect(try model.parameter("4.weight").value == Tensor(shape: [8, 8], repeating: 0.5))
    }

    @Test func aStrictLoadRefusesEveryMismatchAndChangesNothing() throws {
        var model = try Model(spec: tiedSpec, seed: 7)
        let before = model.store
        var values = Dictionary(uniqueKeysWithValues: try model.stateDict().map { ($0.key, $0.value) })
        values["0.bias"] = nil
        values["6.weight"] = Tensor(zeros: [2, 8])
        values["4.weight"] = Tensor(zeros: [8, 8])
        values["7.weight"] = Tensor(zeros: [1])
        #expect(
            throws: StateDictMismatchError(
                load: StateDictLoad(
                    missingKeys: ["0.bias"], unexpectedKeys: ["7.weight", "head"],
                    mismatched: [.tiedValues(key: "4.weight", tiedTo: "2.weight"), .shape(key: "6.weight", expected: [1, 8], got: [2, 8])]
                ))
        ) { try model.loadStateDict(values, unexpectedKeys: ["head"]) }
        #expect(model.store == before)
    }

    @Test func aNonStrictLoadAppliesWhatMatches() throws {
        var model = try Model(spec: mlpSpec, seed: 0)
        let load = try model.loadStateDict(
            ["0.weight": Tensor(shape: [8, 4], repeating: 1), "2.weight": Tensor(zeros: [8])], strict: false)
        #expect(
            load
                == StateDictLoad(
                    loadedKeys: ["0.weight"], missingKeys: ["0.bias", "2.bias"],
                    mismatched: [.shape(key: "2.weight", expected: [1, 8], got: [8])]))
        #expect(try model.parameter("0.weight").value == Tensor(shape: [8, 4], repeating: 1))
    }
}
