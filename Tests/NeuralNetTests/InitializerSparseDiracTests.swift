import Foundation
import JSON
import Kernels
@testable import NeuralNet
import Testing

/// `sparse` and `dirac` against torch.nn.init's results (Tests/Fixtures/make_layer_fixtures.py):
/// bit-equal, the random permutations of `sparse` included.
struct InitializerSparseDiracTests {
    static func cases() throws -> [JSONValue] {
        let root = try LayerParityTests.loadJSON("initializers")
        guard case .array(let cases)? = root["cases"] else { throw ParityTests.FixtureError.malformed("initializers") }
        return cases
    }

    @Test func sparseAndDiracAreBitEqualToTorch() throws {
        let cases = try Self.cases()
        #expect(cases.count == 6)
        for item in cases {
            let initializer = try Initializer(json: ParityTests.member(item, "init"))
            let shape = ParityTests.ints(ParityTests.member(item, "shape"))
            guard case .number(let seed) = ParityTests.member(item, "seed") else { throw ParityTests.FixtureError.malformed("seed") }
            var value = Tensor(zeros: shape)
            var generator = PyTorchGenerator(seed: UInt64(seed))
            try initializer.fill(&value, path: "w", generator: &generator) { _ in .zeros }
            #expect(value.scalars == ParityTests.floats(ParityTests.member(item, "values")), "\(initializer.name) \(shape)")
        }
    }

    @Test func sparseFillsALinearWeightThroughRules() throws {
        var net = try Model(spec: json(#"{"type": "linear", "in": 3, "out": 5}"#))
        try net.initialize(
            InitializationRules(
                json: json(#"{"seed": 0, "rules": [{"match": "weight", "init": {"name": "sparse", "sparsity": 0.4, "std": 0.5}}]}"#)))
        let first = try Self.cases()[0]
        #expect(try net.parameter("weight").value.scalars == ParityTests.floats(ParityTests.member(first, "values")))
    }

    @Test func misuseIsAClearError() throws {
        var net = try Model(spec: json(#"{"type": "linear", "in": 3, "out": 5}"#))
        let dirac = thrownError {
            try net.initialize(InitializationRules(json: json(#"{"rules": [{"match": "weight", "init": "dirac"}]}"#)))
        }
        #expect(dirac?.description.contains("needs a 3-, 4- or 5-D convolution weight") == true)
        let sparse = thrownError {
            try net.initialize(
                InitializationRules(json: json(#"{"rules": [{"match": "bias", "init": {"name": "sparse", "sparsity": 0.5}}]}"#)))
        }
        #expect(sparse != nil)
        let missing = thrownError { _ = try Initializer(json: json(#"{"name": "sparse"}"#)) }
        #expect(missing?.description == #"init is sparse and needs a "sparsity" (the fraction of each column set to zero)"#)
        let range = thrownError { _ = try Initializer(json: json(#"{"name": "sparse", "sparsity": 1.5}"#)) }
        #expect(range?.description == "init.sparsity must be between 0 and 1, got 1.5")
        let groups = thrownError { _ = try Initializer(json: json(#"{"name": "dirac", "groups": 0}"#)) }
        #expect(groups?.description == "init.groups must be a positive integer, got 0")
    }
}
