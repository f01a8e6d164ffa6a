import Kernels
import NeuralNet
import Testing

/// Initializers: PyTorch values, formulas and seeded statistics.
struct InitializerTests {
    /// Fills a fresh `shape` tensor as `torch.manual_seed(seed); init_(t)` would.
    func filled(_ initializer: Initializer, _ shape: [Int], seed: UInt64 = 0) throws -> [Float] {
        var net = try Model(spec: json(#"{"type": "linear", "in": \#(shape.count == 2 ? shape[1] : 1), "out": \#(shape[0])}"#))
        let path = shape.count == 2 ? "weight" : "bias"
        try net.initialize(InitializationRules(seed: seed, rules: [.init(pattern: PathPattern(path), initializer: initializer)]))
        return try net.parameter(path).value.scalars
    }

    func mean(_ x: [Float]) -> Double { x.reduce(0) { $0 + Double($1) } / Double(x.count) }
    func std(_ x: [Float]) -> Double {
        let m = mean(x)
        return (x.reduce(0) { $0 + (Double($1) - m) * (Double($1) - m) } / Double(x.count)).squareRoot()
    }

    @Test func xavierUniformIsBitEqualToPyTorch() throws {
        let w = try filled(.xavierUniform(gain: 1), [8, 4], seed: 1)
        #expect(Array(w.prefix(4)) == [0.36434608697891235, -0.3121015429496765, -0.13708077371120453, 0.3318939507007599])
    }

    @Test func kaimingNormalMatchesPyTorch() throws {
        let w = try filled(.kaimingNormal(a: 0, mode: .fanIn, nonlinearity: .relu), [8, 4], seed: 2)
        let expected: [Float] = [-0.7359575629234314, 0.6481370329856873, -0.9222018718719482, -0.7846611142158508]
        #expect(Array(w.prefix(4)) == expected)
    }

    @Test func smallNormalIsBitEqualToPyTorch() throws {
        let w = try filled(.normal(mean: 0, std: 0.01), [1, 8])
        #expect(
            w == [
                0.015409961342811584, -0.002934289164841175, -0.021787893027067184, 0.005684312898665667, -0.010845223441720009,
                -0.013985954225063324, 0.004033468663692474, 0.008380263112485409
            ])
    }

    @Test func truncNormalRejectsLikePyTorch() throws {
        #expect(
            try filled(.truncNormal(mean: 0, std: 1, a: -2, b: 2), [5]) == [
                1.5409960746765137, -0.293428897857666, 0.8380263447761536, 0.5684312582015991, -1.0845223665237427
            ])
    }

    /// trunc_normal_ on 1-D tensors against torch: bit-pattern sums and first values, for the
    /// rejection-from-normal branch (mass > 0.3) and the uniform-proposal branch.
    @Test(arguments: [
        (2.0, 3.0, UInt64(3), 10_000, UInt64(10_750_603_130_604), [Float(2.004263401031494), 2.2829227447509766]),
        (-1.0, 1.0, 5, 10_000, 21_219_263_932_053, [0.4993862211704254, 0.5188871622085571]),
        (0.5, 4.0, 9, 4099, 4_367_022_393_797, [1.1623241901397705, 0.8885204195976257])
    ])
    func truncNormalIsBitEqualToTorch(_ a: Double, _ b: Double, _ seed: UInt64, _ n: Int, _ bitSum: UInt64, _ first: [Float]) throws {
        let t = try filled(.truncNormal(mean: 0, std: 1, a: a, b: b), [n], seed: seed)
        #expect(t.reduce(UInt64(0)) { $0 + UInt64($1.bitPattern) } == bitSum)
        #expect(Array(t.prefix(2)) == first)
    }

    @Test func orthogonalMatchesPyTorch() throws {
        let w = try filled(.orthogonal(gain: 1), [3, 5])
        let expected: [Float] = [
            0.5222306251525879, -0.09944058954715729, -0.7383733987808228, 0.19263656437397003, -0.3675355315208435,
            -0.5364793539047241, 0.2105625420808792, -0.14289414882659912, -0.35876867175102234, -0.7202220559120178,
            -0.440916508436203, 0.06626057624816895, -0.04565519094467163, 0.8897528648376465, -0.08635801076889038
        ]
        for (a, b) in zip(w, expected) { #expect(abs(a - b) <= 1e-5) }
        let square = try filled(.orthogonal(gain: 2), [6, 6], seed: 4)
        let row0: [Float] = [
            -0.52726149559021, 0.7354182004928589, -0.6077044606208801, 0.5073990821838379, -0.5884525179862976, -1.4859743118286133
        ]
        for (a, b) in zip(square, row0) { #expect(abs(a - b) <= 1e-5) }
    }

    @Test func orthogonalRowsAreOrthonormal() throws {
        let w = try filled(.orthogonal(gain: 1), [20, 50], seed: 7)
        for i in 0..<20 {
            for j in 0..<20 {
                let d = (0..<50).reduce(0.0) { $0 + Double(w[i * 50 + $1]) * Double(w[j * 50 + $1]) }
                #expect(abs(d - (i == j ? 1 : 0)) < 1e-5)
            }
        }
    }

    @Test func tallOrthogonalAcrossSeveralBlocksHasOrthonormalColumns() throws {
        let w = try filled(.orthogonal(gain: 1), [300, 140], seed: 8)
        for i in stride(from: 0, to: 140, by: 7) {
            for j in stride(from: 0, to: 140, by: 3) {
                let d = (0..<300).reduce(0.0) { $0 + Double(w[$1 * 140 + i]) * Double(w[$1 * 140 + j]) }
                #expect(abs(d - (i == j ? 1 : 0)) < 1e-5)
            }
        }
    }

    @Test func orthogonalRefusesHugeMatrices() throws {
        var net = try Model(spec: json(#"{"type": "linear", "in": 2049, "out": 2049}"#))
        let rules = InitializationRules(seed: 0, rules: [.init(pattern: try PathPattern("weight"), initializer: .orthogonal(gain: 1))])
        #expect(thrownError { try net.initialize(rules) }?.category == .cannotApply)
    }

    @Test func uniformAndNormalStatistics() throws {
        let u = try filled(.uniform(a: -3, b: 5), [400, 250], seed: 5)
        #expect(u.min()! >= -3 && u.max()! < 5)
        #expect(abs(mean(u) - 1) < 0.02)
        #expect(abs(std(u) - 8 / (12.0).squareRoot()) < 0.02)
        let n = try filled(.normal(mean: 2, std: 0.5), [400, 250], seed: 6)
        #expect(abs(mean(n) - 2) < 0.005)
        #expect(abs(std(n) - 0.5) < 0.005)
    }

    @Test func fanBasedBoundsFollowTheFormulas() throws {
        let (out, inF) = (300, 200)
        let xavier = try filled(.xavierUniform(gain: Initializer.gain(.tanh)), [out, inF], seed: 1)
        let xb = Float(5.0 / 3 * (6.0 / Double(inF + out)).squareRoot())
        #expect(xavier.allSatisfy { abs($0) <= xb } && xavier.contains { abs($0) > 0.99 * xb })
        let kaiming = try filled(.kaimingUniform(a: 0, mode: .fanOut, nonlinearity: .relu), [out, inF], seed: 2)
        let kb = Float((2.0).squareRoot() * (3.0 / Double(out)).squareRoot())
        #expect(kaiming.allSatisfy { abs($0) <= kb } && kaiming.contains { abs($0) > 0.99 * kb })
        let lecun = try filled(.lecunUniform, [out, inF], seed: 3)
        let lb = Float((3.0 / Double(inF)).squareRoot())
        #expect(lecun.allSatisfy { abs($0) <= lb } && lecun.contains { abs($0) > 0.99 * lb })
        let kn = try filled(.kaimingNormal(a: 0, mode: .fanIn, nonlinearity: .leakyRelu), [out, inF], seed: 4)
        #expect(abs(std(kn) - (2.0 / Double(inF)).squareRoot()) < 0.003)
        let xn = try filled(.xavierNormal(gain: 1), [out, inF], seed: 5)
        #expect(abs(std(xn) - (2.0 / Double(inF + out)).squareRoot()) < 0.002)
        let ln = try filled(.lecunNormal, [out, inF], seed: 6)
        #expect(abs(std(ln) - (1.0 / Double(inF)).squareRoot()) < 0.002)
    }

    @Test func gainTable() {
        #expect(Initializer.gain(.linear) == 1 && Initializer.gain(.sigmoid) == 1)
        #expect(Initializer.gain(.tanh) == 5.0 / 3)
        #expect(Initializer.gain(.relu) == (2.0).squareRoot())
        #expect(Initializer.gain(.leakyRelu) == (2.0 / (1 + 0.01 * 0.01)).squareRoot())
        #expect(Initializer.gain(.leakyRelu, parameter: 0.2) == (2.0 / 1.04).squareRoot())
        #expect(Initializer.gain(.selu) == 0.75)
    }

    @Test func truncNormalStaysInBoundsWithTheRightSpread() throws {
        let t = try filled(.truncNormal(mean: 0, std: 1, a: -1, b: 1), [200, 100], seed: 3)
        #expect(t.allSatisfy { $0 >= -1 && $0 <= 1 })
        // Var of N(0,1) truncated to [-1, 1] is 1 − 2φ(1)/(2Φ(1)−1) ≈ 0.2911.
        #expect(abs(std(t) - (0.29112509).squareRoot()) < 0.01)
        let tail = try filled(.truncNormal(mean: 0, std: 1, a: 2, b: 3), [100, 100], seed: 3)
        #expect(tail.allSatisfy { $0 >= 2 && $0 <= 3 })
        #expect(abs(mean(tail) - 2.3158) < 0.01)  // (φ(2) − φ(3)) / (Φ(3) − Φ(2))
    }

    @Test func eyeAndConstants() throws {
        #expect(try filled(.eye, [2, 3]) == [1, 0, 0, 0, 1, 0])
        #expect(try filled(.constant(42), [2, 2]) == [42, 42, 42, 42])
        #expect(try filled(.ones, [3]) == [1, 1, 1])
        #expect(try filled(.zeros, [2, 2]) == [0, 0, 0, 0])
    }

    @Test func chaptersMixtureHasHalfZerosAndNothingBetweenZeroAndFive() throws {
        let mixture = try Initializer(
            json: json(
                #"""
                {"name": "mixture", "components": [
                  {"weight": 0.25, "init": {"name": "uniform", "a": 5, "b": 10}},
                  {"weight": 0.5, "init": "zeros"},
                  {"weight": 0.25, "init": {"name": "uniform", "a": -10, "b": -5}}]}
                """#))
        let x = try filled(mixture, [200, 200], seed: 11)
        let zeros = Double(x.filter { $0 == 0 }.count) / Double(x.count)
        #expect(abs(zeros - 0.5) < 0.01)
        #expect(!x.contains { $0 != 0 && abs($0) < 5 })
        #expect(x.allSatisfy { abs($0) <= 10 })
        let positive = Double(x.filter { $0 > 0 }.count) / Double(x.count)
        #expect(abs(positive - 0.25) < 0.01)
    }

    @Test func fanBasedOnABiasIsAClearError() throws {
        var net = try Model(spec: mlpSpec)
        let rules = try InitializationRules(json: json(#"{"rules": [{"match": "0.bias", "init": "xavier_uniform"}]}"#))
        let error = thrownError { try net.initialize(rules) }
        #expect(
            error?.description
                == "xavier_uniform cannot initialize '0.bias': fan in and fan out need a tensor with at least 2 dimensions, and '0.bias' has shape [8]"
        )
        #expect(error?.category == .cannotApply)
    }

    @Test func failingRuleLeavesEveryParameterUnchanged() throws {
        var net = try Model(spec: mlpSpec, seed: 0)
        let before = net.store
        // The first rule would fill 0.weight; the second fails on 2.bias, so nothing changes.
        let rules = try InitializationRules(
            json: json(#"{"rules": [{"match": "0.weight", "init": "ones"}, {"match": "2.bias", "init": "orthogonal"}]}"#))
        #expect(thrownError { try net.initialize(rules) }?.category == .cannotApply)
        #expect(net.store == before)
    }
}
