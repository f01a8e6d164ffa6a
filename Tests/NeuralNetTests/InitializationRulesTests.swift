import NeuralNet
import Testing

/// Initialization rules: patterns, module selection, seeds, errors.
struct InitializationRulesTests {
    @Test func chaptersXavierThenFortyTwo() throws {
        var net = try Model(spec: mlpSpec, seed: 0)
        let rules = try InitializationRules(
            json: json(
                #"""
                {"seed": 0, "rules": [{"match": "0", "init": "xavier_uniform"}, {"match": "2", "init": {"name": "constant", "value": 42}}]}
                """#))
        let filled = try net.initialize(rules)
        #expect(filled == ["0.weight", "2.weight", "2.bias"])
        #expect(try net.parameter("2.weight").value.scalars == Array(repeating: 42, count: 8))
        let w = try net.parameter("0.weight").value.scalars
        let bound = Float((6.0 / 12).squareRoot())
        #expect(w.allSatisfy { abs($0) <= bound })
    }

    @Test func normalWeightsZeroBiasesLikeTheChapter() throws {
        var net = try Model(spec: mlpSpec, seed: 0)
        try net.initialize(
            InitializationRules(
                json: json(
                    #"""
                    {"seed": 0, "rules": [{"match": "**.weight", "init": {"name": "normal", "mean": 0, "std": 0.01}}, {"match": "**.bias", "init": "zeros"}]}
                    """#)))
        // torch.manual_seed(0); net.apply(init_normal): the (8, 4) weight takes the blocked
        // path, the (1, 8) weight the scalar one.
        let w0: [Float] = [-0.011258398182690144, -0.011523601599037647, -0.002505785785615444, -0.004338787868618965]
        #expect(Array(try net.parameter("0.weight").value.scalars.prefix(4)) == w0)
        let w2: [Float] = [-0.005663174670189619, 0.003731146454811096, -0.008919953368604183]
        #expect(Array(try net.parameter("2.weight").value.scalars.prefix(3)) == w2)
        #expect(try net.parameter("0.bias").value.scalars.allSatisfy { $0 == 0 })
        let w = try net.parameter("0.weight").value.scalars
        #expect(w.allSatisfy { abs($0) < 0.06 })
    }

    @Test func laterRuleWinsAndUnmatchedParametersKeepTheirValues() throws {
        var net = try Model(spec: rgnetSpec, seed: 0)
        let before = try net.parameter("1.weight").value
        try net.initialize(
            InitializationRules(
                json: json(
                    #"""
                    {"rules": [{"match": "0.**", "init": "ones"}, {"match": "0.block 1", "init": "zeros"}]}
                    """#)))
        #expect(try net.parameter("0.block 0.0.weight").value.scalars.allSatisfy { $0 == 1 })
        #expect(try net.parameter("0.block 1.2.bias").value.scalars.allSatisfy { $0 == 0 })
        #expect(try net.parameter("1.weight").value == before)
    }

    @Test func seedReproducesAndTiedParametersInitializeOnce() throws {
        var a = try Model(spec: tiedSpec, seed: 0)
        var b = try Model(spec: tiedSpec, seed: 5)
        let rules = try InitializationRules(json: json(#"{"seed": 3, "init": {"name": "normal", "std": 0.1}}"#))
        try a.initialize(rules)
        try b.initialize(rules)
        #expect(try a.namedParameters().map(\.value) == b.namedParameters().map(\.value))
        #expect(try a.parameter("4.weight").value == a.parameter("2.weight").value)
    }

    @Test func ruleMatchingNothingIsAnError() throws {
        var net = try Model(spec: mlpSpec)
        let error = thrownError {
            try net.initialize(InitializationRules(json: json(#"{"rules": [{"match": "**.wieght", "init": "zeros"}]}"#)))
        }
        #expect(error?.description == "body.rules[0].match '**.wieght' matches nothing in this model")
        #expect(error?.category == .cannotApply)
    }

    static let malformed: [(String, String)] = [
        (#"{"rules": [{"match": "**", "init": {"name": "normal", "std": -1}}]}"#, "body.rules[0].init.std must not be negative, got -1"),
        (
            #"{"rules": [{"match": "**", "init": "glorious"}]}"#,
            #"body.rules[0].init.name must be one of zeros, ones, constant, uniform, normal, trunc_normal, xavier_uniform, xavier_normal, kaiming_uniform, kaiming_normal, lecun_uniform, lecun_normal, orthogonal, eye, dirac, sparse, mixture, pytorch, mxnet, keras; got "glorious""#
        ),
        (#"{"rules": [{"match": "a..b", "init": "zeros"}]}"#, "body.rules[0].match 'a..b' has an empty segment"),
        (#"{"seed": -1, "init": "zeros"}"#, "body.seed must be an integer from 0 to 2^53, got -1"),
        (#"{"rules": []}"#, "body.rules must be an array of 1 to 256 rules"),
        (#"{"rules": [{"init": {"name": "constant"}}]}"#, #"body.rules[0].init is constant and needs a "value""#),
        (#"{"init": {"name": "uniform", "a": 3, "b": 1}}"#, "body.init needs a ≤ b, got a = 3.0, b = 1.0"),
        (#"{"init": {"name": "kaiming_uniform", "mode": "fan_avg"}}"#, #"body.init.mode must be "fan_in" or "fan_out", got "fan_avg""#),
        (
            #"{"init": {"name": "mixture", "components": [{"weight": 1, "init": "xavier_uniform"}]}}"#,
            "body.init.components[0].init must draw each element on its own (constant, zeros, ones, uniform or normal), not xavier_uniform"
        ),
        (#"{"init": {"name": "constant", "value": 1e300}}"#, "body.init.value must be a finite number within Float32 range, got 1e+300"),
        (#"{"init": "zeros", "extra": 1}"#, "body has an unknown field 'extra'; allowed fields are 'init', 'match', 'rules', 'seed'")
    ]

    @Test(arguments: malformed.indices)
    func malformedRulesAreBadRequests(_ i: Int) {
        let error = thrownError { _ = try InitializationRules(json: json(Self.malformed[i].0)) }
        #expect(error?.description == Self.malformed[i].1)
        #expect(error?.category == .badRequest)
    }
}
