import Foundation
import JSON
import NeuralNet
import Testing

/// Parity with PyTorch on fixtures written by Tests/Fixtures/make_parity_fixtures.py:
/// initial weights bit-equal; outputs, gradients, losses and weights after 3 SGD steps within
/// 1e-5 of PyTorch's, relative to the largest magnitude in each tensor; weights after 3 Adam
/// steps within 1e-4. Adam divides by √v, so a gradient element near ε turns float32
/// rounding in its sum into a visible step difference: on the deep net PyTorch's own float32
/// run differs from its float64 run by 4.1e-5 in this measure.
struct ParityTests {
    static let networks = ["mlp", "rgnet", "tied", "deep", "lenet"]

    struct Fixture {
        let root: [String: JSONValue]
        subscript(_ key: String) -> JSONValue { root[key] ?? .null }
    }

    static func load(_ name: String) throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/parity/\(name).json")
        let bytes = [UInt8](try Data(contentsOf: url))
        guard case .object(let root) = try JSONValue(parsing: bytes, limits: JSONLimits()) else {
            throw FixtureError.malformed(name)
        }
        return Fixture(root: root)
    }

    enum FixtureError: Error { case malformed(String) }

    static func floats(_ v: JSONValue) -> [Float] {
        guard case .array(let items) = v else { return [] }
        return items.map { if case .number(let d) = $0 { Float(d) } else { .nan } }
    }

    static func ints(_ v: JSONValue) -> [Int] {
        guard case .array(let items) = v else { return [] }
        return items.map { if case .number(let d) = $0 { Int(d) } else { -1 } }
    }

    static func member(_ v: JSONValue, _ key: String) -> JSONValue {
        if case .object(let m) = v { return m[key] ?? .null }
        return .null
    }

    static func tensorValue(_ v: JSONValue) throws -> Tensor {
        try Tensor(shape: ints(member(v, "shape")), scalars: floats(member(v, "values")))
    }

    static func target(_ fixture: Fixture) throws -> LossTarget {
        let t = fixture["target"]
        if case .array = member(t, "classes") { return .classes(ints(member(t, "classes"))) }
        return .values(try tensorValue(t))
    }

    /// max |a − b| / max |b|: the error relative to the tensor's scale.
    static func relativeError(_ a: [Float], _ b: [Float]) -> Float {
        let scale = max(b.map(abs).max() ?? 0, 1e-30)
        return zip(a, b).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
    }

    func model(_ fixture: Fixture) throws -> Model {
        guard case .number(let seed) = fixture["seed"] else { throw FixtureError.malformed("seed") }
        return try Model(spec: fixture["spec"], seed: UInt64(seed))
    }

    @Test(arguments: networks)
    func initialWeightsAreBitEqual(_ name: String) throws {
        let fixture = try Self.load(name)
        let net = try model(fixture)
        guard case .object(let initial) = fixture["initial"] else { throw FixtureError.malformed("initial") }
        let listed = try net.namedParameters()
        #expect(Set(listed.map(\.path)) == Set(initial.keys))
        for p in listed {
            let expected = try Self.tensorValue(initial[p.path] ?? .null)
            #expect(p.value == expected, "\(name): \(p.path) differs")
        }
    }

    @Test(arguments: networks)
    func outputLossAndGradientsMatch(_ name: String) throws {
        let fixture = try Self.load(name)
        var net = try model(fixture)
        let input = try Self.tensorValue(fixture["input"])
        let output = try net.forward(input).output
        #expect(output.shape == Self.ints(Self.member(fixture["output"], "shape")))
        #expect(Self.relativeError(output.scalars, Self.floats(Self.member(fixture["output"], "values"))) <= 1e-5)
        guard case .string(let kind) = fixture["loss_kind"], let lossKind = LossKind(rawValue: kind),
            case .number(let expectedLoss) = fixture["loss"]
        else {
            throw FixtureError.malformed("loss")
        }
        let loss = try net.backward(input: input, target: Self.target(fixture), loss: lossKind)
        #expect(abs(Double(loss) - expectedLoss) <= 1e-5 * abs(expectedLoss))
        guard case .object(let gradients) = fixture["gradients"] else { throw FixtureError.malformed("gradients") }
        for p in try net.namedParameters() {
            let g = try #require(p.gradient)
            let error = Self.relativeError(g.scalars, Self.floats(gradients[p.path] ?? .null))
            #expect(error <= 1e-5, "\(name): gradient of \(p.path) off by \(error)")
        }
    }

    @Test(arguments: networks)
    func weightsAfterThreeSGDAndThreeAdamStepsMatch(_ name: String) throws {
        let fixture = try Self.load(name)
        let input = try Self.tensorValue(fixture["input"])
        let target = try Self.target(fixture)
        guard case .string(let kind) = fixture["loss_kind"], let lossKind = LossKind(rawValue: kind) else {
            throw FixtureError.malformed("loss_kind")
        }
        for (run, tolerance) in [("sgd", Float(1e-5)), ("adam", 1e-4)] {
            var net = try model(fixture)
            var optimizer = try Optimizer(json: Self.member(fixture[run], "optimizer"))
            var losses: [Float] = []
            for _ in 0..<3 { losses.append(try net.trainStep(input: input, target: target, loss: lossKind, optimizer: &optimizer)) }
            #expect(Self.relativeError(losses, Self.floats(Self.member(fixture[run], "losses"))) <= 1e-5, "\(name) \(run) losses")
            guard case .object(let expected) = Self.member(fixture[run], "parameters") else { throw FixtureError.malformed(run) }
            for p in try net.namedParameters() {
                let error = Self.relativeError(p.value.scalars, Self.floats(expected[p.path] ?? .null))
                #expect(error <= tolerance, "\(name) \(run): \(p.path) off by \(error)")
            }
        }
    }
}
