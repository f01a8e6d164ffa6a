import Foundation
import JSON
import NeuralNet
import Testing

/// Parity with PyTorch for batch norm, layer norm, embeddings, dropout and residual blocks, on
/// fixtures written by Tests/Fixtures/make_layer_fixtures.py: initial parameters bit-equal and
/// buffers equal; state-dict keys PyTorch's, in its order; then, against a float64 run of the
/// same network (the reference), the train-mode output, loss and gradients, the parameters and
/// running statistics after 3 SGD and 3 Adam steps in train mode, and the eval-mode output
/// after them, each within float32 rounding: 1e-5 of the tensor's largest magnitude (1e-4
/// after Adam, whose division by √v magnifies rounding; ParityTests says why), a bound that
/// PyTorch's own float32 run is checked to meet too, so the bound is not loose for paramd alone.
struct LayerParityTests {
    static let networks = ["bn_mlp", "bn_sequence", "bn2d", "cnn_bn", "residual_ln", "embedding"]

    static func load(_ name: String) throws -> [String: JSONValue] { try loadJSON(name) }

    /// A fixture of Tests/Fixtures/layers as a JSON object.
    static func loadJSON(_ name: String) throws -> [String: JSONValue] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/layers/\(name).json")
        guard case .object(let root) = try JSONValue(parsing: [UInt8](try Data(contentsOf: url)), limits: JSONLimits()) else {
            throw ParityTests.FixtureError.malformed(name)
        }
        return root
    }

    static func member(_ v: JSONValue?, _ keys: String...) -> JSONValue {
        var value = v ?? .null
        for key in keys { value = ParityTests.member(value, key) }
        return value
    }

    static func model(_ fixture: [String: JSONValue]) throws -> Model {
        guard case .number(let seed) = fixture["seed"] else { throw ParityTests.FixtureError.malformed("seed") }
        return try Model(spec: fixture["spec"] ?? .null, seed: UInt64(seed))
    }

    static func input(_ fixture: [String: JSONValue]) throws -> Tensor {
        try ParityTests.tensorValue(fixture["input"] ?? .null)
    }

    static func target(_ fixture: [String: JSONValue]) throws -> LossTarget {
        let t = fixture["target"] ?? .null
        if case .array = member(t, "classes") { return .classes(ParityTests.ints(member(t, "classes"))) }
        return .values(try ParityTests.tensorValue(t))
    }

    static func lossKind(_ fixture: [String: JSONValue]) throws -> LossKind {
        guard case .string(let kind) = fixture["loss_kind"], let loss = LossKind(rawValue: kind) else {
            throw ParityTests.FixtureError.malformed("loss_kind")
        }
        return loss
    }

    /// The error of paramd's values against the float64 reference, relative to the larger of
    /// the tensor's largest magnitude and `scale`, checked to bound PyTorch's float32 values as
    /// well. `scale` matters for a tensor that is zero but for rounding (the gradient of a bias
    /// followed by batch norm): there the error is measured against the network's gradients.
    static func expectClose(
        _ values: [Float], _ fixture: [String: JSONValue], _ path: [String], tolerance: Float, scale: Float = 0, _ what: String
    ) {
        let reference = ParityTests.floats(path.reduce(fixture["float64"] ?? .null) { ParityTests.member($0, $1) })
        let torch32 = ParityTests.floats(path.reduce(fixture["float32"] ?? .null) { ParityTests.member($0, $1) })
        #expect(values.count == reference.count, "\(what): \(values.count) values, the reference has \(reference.count)")
        func error(_ a: [Float]) -> Float {
            let largest = max(reference.map(abs).max() ?? 0, scale, 1e-30)
            return (zip(a, reference).map { abs($0 - $1) }.max() ?? 0) / largest
        }
        #expect(error(values) <= tolerance, "\(what) off by \(error(values)) (PyTorch float32: \(error(torch32)))")
        #expect(error(torch32) <= tolerance, "\(what): PyTorch's float32 run is outside the bound")
    }

    @Test(arguments: networks)
    func initialValuesAndStateDictKeysArePyTorchs(_ name: String) throws {
        let fixture = try Self.load(name)
        let net = try Self.model(fixture)
        #expect(net.stateDictKeys.map(\.key) == Self.strings(fixture["state_dict_keys"]))
        guard case .object(let parameters) = fixture["initial_parameters"], case .object(let buffers) = fixture["initial_buffers"] else {
            throw ParityTests.FixtureError.malformed("initial")
        }
        let listed = try net.namedParameters()
        #expect(Set(listed.map(\.path)) == Set(parameters.keys))
        for p in listed { #expect(p.value == (try ParityTests.tensorValue(parameters[p.path] ?? .null)), "\(name): \(p.path) differs") }
        let listedBuffers = try net.namedBuffers()
        #expect(Set(listedBuffers.map(\.path)) == Set(buffers.keys))
        for b in listedBuffers {
            #expect(b.value == (try ParityTests.tensorValue(buffers[b.path] ?? .null)), "\(name): \(b.path) differs")
            #expect(b.dtype == (b.path.hasSuffix("num_batches_tracked") ? .int64 : .float32))
        }
    }

    static func strings(_ v: JSONValue?) -> [String] {
        guard case .array(let items)? = v else { return [] }
        return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
    }

    @Test(arguments: networks)
    func trainModeOutputLossAndGradientsMatch(_ name: String) throws {
        let fixture = try Self.load(name)
        var net = try Self.model(fixture)
        let input = try Self.input(fixture)
        let trainOutput = try net.forward(input, mode: .train).output
        Self.expectClose(trainOutput.scalars, fixture, ["output", "values"], tolerance: 1e-5, "\(name) train-mode output")
        let loss = try net.backward(input: input, target: Self.target(fixture), loss: Self.lossKind(fixture))
        guard case .number(let expected) = Self.member(fixture["float64"], "loss") else { throw ParityTests.FixtureError.malformed("loss") }
        #expect(abs(Double(loss) - expected) <= 1e-5 * abs(expected), "\(name) loss \(loss) vs \(expected)")
        let gradients = try net.namedParameters()
        let scale = gradients.compactMap { $0.gradient?.scalars.map(abs).max() }.max() ?? 0
        for p in gradients {
            let g = try #require(p.gradient)
            Self.expectClose(g.scalars, fixture, ["gradients", p.path], tolerance: 1e-5, scale: scale, "\(name) gradient of \(p.path)")
        }
    }

    @Test(arguments: networks)
    func trainingStepsRunningStatisticsAndEvalOutputMatch(_ name: String) throws {
        let fixture = try Self.load(name)
        let input = try Self.input(fixture)
        let target = try Self.target(fixture)
        for (run, tolerance) in [("sgd", Float(1e-5)), ("adam", 1e-4)] {
            var net = try Self.model(fixture)
            var optimizer = try Optimizer(json: Self.optimizers[run]!)
            var losses: [Float] = []
            for _ in 0..<3 {
                losses.append(try net.trainStep(input: input, target: target, loss: Self.lossKind(fixture), optimizer: &optimizer))
            }
            Self.expectClose(losses, fixture, [run, "losses"], tolerance: 1e-5, "\(name) \(run) losses")
            // A bias followed by batch norm has a gradient of zero but for rounding, which Adam
            // scales up to steps of ±lr: its value follows the rounding of the gemms (AVX2 and
            // AVX-512 builds, PyTorch) and is measured against the network's parameters.
            let parameters = try net.namedParameters()
            let scale = run == "adam" ? parameters.map { $0.value.scalars.map(abs).max() ?? 0 }.max() ?? 0 : 0
            for p in parameters {
                Self.expectClose(
                    p.value.scalars, fixture, [run, "parameters", p.path], tolerance: tolerance, scale: scale, "\(name) \(run): \(p.path)")
            }
            for b in try net.namedBuffers() {
                Self.expectClose(
                    b.value.scalars, fixture, [run, "buffers", b.path], tolerance: tolerance, "\(name) \(run): buffer \(b.path)")
            }
            let evaluated = try net.forward(input).output
            Self.expectClose(evaluated.scalars, fixture, [run, "eval_output"], tolerance: tolerance, "\(name) \(run): eval output")
        }
    }

    /// The optimizers of make_layer_fixtures.py.
    static let optimizers: [String: JSONValue] = [
        "sgd": .object(["name": .string("sgd"), "lr": .number(0.1), "momentum": .number(0.9), "weight_decay": .number(0.01)]),
        "adam": .object(["name": .string("adam"), "lr": .number(0.01), "weight_decay": .number(0.001)])
    ]
}
