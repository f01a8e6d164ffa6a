import Foundation
import JSON
import NeuralNet
import Testing

/// Named initializers on a convolution weight, bit-equal to torch.nn.init's after the same
/// `torch.manual_seed` (Tests/Fixtures/make_conv_init_fixtures.py): fans count the receptive
/// field, and `dirac` puts a 1 at each kernel's centre per group.
struct ConvolutionInitTests {
    struct Case: CustomStringConvertible {
        let initializer: JSONValue
        let seed: UInt64
        let values: [Float]
        var description: String { "\(initializer)" }
    }

    static let cases: [Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/parity/conv_init.json")
        let root = try! JSONValue(parsing: [UInt8](try! Data(contentsOf: url)), limits: JSONLimits())
        guard case .object(let file) = root, case .array(let items) = file["cases"] ?? .null else { return [] }
        return items.map { item in
            guard case .object(let m) = item, case .number(let seed) = m["seed"] ?? .null else { fatalError("malformed case") }
            return Case(initializer: m["init"] ?? .null, seed: UInt64(seed), values: ParityTests.floats(m["values"] ?? .null))
        }
    }()

    @Test(arguments: cases)
    func convolutionWeightIsBitEqualToTorch(_ c: Case) throws {
        var net = try Model(spec: json(#"{"type": "conv2d", "in_channels": 8, "out_channels": 6, "kernel_size": [3, 2], "groups": 2}"#))
        let rule = try InitializationRules.Rule(pattern: PathPattern("weight"), initializer: Initializer(json: c.initializer))
        try net.initialize(InitializationRules(seed: c.seed, rules: [rule]))
        #expect(try net.parameter("weight").value.scalars == c.values)
    }
}
