import Kernels
import Testing

/// The seeded generator against PyTorch's CPU generator (values printed by torch 2.13).
struct RandomGeneratorTests {
    @Test func seedZeroGivesTheMT19937CheckVector() {
        var mt = MT19937(seed: 0)
        #expect([mt.next(), mt.next(), mt.next(), mt.next()] == [2_357_136_044, 2_546_248_239, 3_071_714_933, 3_626_093_760])
    }

    @Test func seedKeepsOnlyTheLow32Bits() {
        var a = MT19937(seed: 5)
        var b = MT19937(seed: 5 + (1 << 32))
        #expect(a.next() == b.next())
    }

    @Test func streamContinuesPastTheFirstTwist() {
        // std::mt19937 with the default seed 5489: the 10000th output is 4123659995 (C++11 §26.5.5).
        var mt = MT19937(seed: 5489)
        var last: UInt32 = 0
        for _ in 0..<10_000 { last = mt.next() }
        #expect(last == 4_123_659_995)
    }

    @Test func uniformMatchesTorchRand() {
        var g = PyTorchGenerator(seed: 0)
        let values = (0..<4).map { _ in g.uniformFloat(from: 0, to: 1) }
        #expect(values == [0.49625659, 0.768221796, 0.0884774327, 0.132030487])
    }

    @Test func scalarNormalMatchesTorchBitForBit() {
        var g = PyTorchGenerator(seed: 0)
        var x = [Float](repeating: 0, count: 5)
        x.withUnsafeMutableBufferPointer { g.fillNormal($0, mean: 0, std: 1) }
        #expect(x == [1.5409960746765137, -0.293428897857666, -2.1787893772125244, 0.5684312582015991, -1.0845223665237427])
    }

    @Test func blockNormalWithRaggedTailMatchesTorch() {
        let expected: [Float] = [
            -1.1258398294448853, -1.152360200881958, -0.2505785822868347, -0.4338788092136383, 0.8487103581428528,
            0.6920091509819031, -0.31601276993751526, -2.1152193546295166, 0.32227492332458496, -1.2633347511291504,
            0.34998318552970886, 0.30813392996788025, 0.11984150856733322, 1.237657904624939, 1.1167771816253662,
            -0.2472781538963318, -1.3526537418365479, -1.6959311962127686, 0.5666506290435791, 0.7935083508491516,
            0.5988394618034363, 0.11241118609905243, 0.6407923698425293, 0.441156268119812, -0.21586325764656067,
            -0.7425481677055359, 0.5627213716506958, 0.25962740182876587, -0.17396099865436554, 2.3022053241729736,
            -1.4688938856124878, -1.586688756942749, 1.203223705291748, 0.08453469723463058, -1.2001394033432007,
            -0.004785737954080105, -0.5180748105049133
        ]
        var g = PyTorchGenerator(seed: 0)
        var x = [Float](repeating: 0, count: 37)
        x.withUnsafeMutableBufferPointer { g.fillNormal($0, mean: 0, std: 1) }
        #expect(x == expected)
    }

    @Test func normalWithMeanAndStdMatchesTorch() {
        var g = PyTorchGenerator(seed: 3)
        var x = [Float](repeating: 0, count: 1000)
        x.withUnsafeMutableBufferPointer { g.fillNormal($0, mean: 1.5, std: 2) }
        let expected: [Float] = [
            1.3467113971710205, 2.2197630405426025, -0.0640336275100708, -1.6323015689849854, -0.7483935356140137, 3.7574172019958496
        ]
        #expect(Array(x.prefix(3)) + Array(x.suffix(3)) == expected)
    }

    @Test func hundredThousandNormalsAreBitEqualToTorch() {
        // torch.manual_seed(1234); torch.empty(100003).normal_(0.5, 3.0): checksums of the bit
        // patterns (plain sum, and position-weighted sum mod 2⁶⁴) and the ends.
        var g = PyTorchGenerator(seed: 1234)
        var x = [Float](repeating: 0, count: 100_003)
        x.withUnsafeMutableBufferPointer { g.fillNormal($0, mean: 0.5, std: 3) }
        let bits = x.map { UInt64($0.bitPattern) }
        #expect(bits.reduce(0, +) == 199_948_732_640_984)
        #expect(bits.enumerated().reduce(UInt64(0)) { $0 &+ UInt64($1.offset + 1) &* $1.element } == 9_984_062_114_537_625_629)
        #expect(Array(x.prefix(2)) == [0.1648443043231964, -0.9897702932357788])
        #expect(Array(x.suffix(2)) == [-4.393466949462891, 5.943617820739746])
    }

    @Test func sameSeedSameBits() {
        var a = PyTorchGenerator(seed: 42)
        var b = PyTorchGenerator(seed: 42)
        var x = [Float](repeating: 0, count: 100)
        var y = x
        x.withUnsafeMutableBufferPointer { a.fillNormal($0, mean: 0, std: 1) }
        y.withUnsafeMutableBufferPointer { b.fillNormal($0, mean: 0, std: 1) }
        #expect(x == y)
    }
}
