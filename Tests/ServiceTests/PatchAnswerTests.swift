import HTTP
import JSON
import NeuralNet
import Testing
@testable import Service

/// The PATCH answer formatted while the write is stored is used only when the write applied to
/// the snapshot it was formatted from; otherwise the answer comes from the write's own state.
struct PatchAnswerTests {
    static let spec = try! JSONValue(
        parsing: Array(#"{"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 3}]}"#.utf8))
    static let operations: [PatchOperation] = [.set(index: [1], slice: nil, value: .scalar(42))]

    static func state(version: Int, model: Model) -> ModelState {
        ModelState(name: "m", version: version, model: model, document: .object([:]))
    }

    static func bytes(_ response: HTTPResponse) -> [UInt8]? {
        if case .bytes(let bytes) = response.body { bytes } else { nil }
    }

    @Test func theExpectedAnswerIsTheOneTheWriteGets() throws {
        let before = Self.state(version: 4, model: try Model(spec: Self.spec, seed: 0))
        let expected = try #require(PatchAnswer.expected(Self.operations, on: before, path: "0.bias"))
        var model = before.model
        try PatchOperation.apply(Self.operations, to: &model, path: "0.bias")
        let after = Self.state(version: 5, model: model)

        let response = try #require(expected.response(for: after))
        let actual = try ParameterBody.response(try after.model.parameter("0.bias"), version: 5)
        #expect(Self.bytes(response) == Self.bytes(actual))
        #expect(response.headers["ETag"] == actual.headers["ETag"])
    }

    @Test func anotherVersionOrGradientFormatsAgain() throws {
        let before = Self.state(version: 4, model: try Model(spec: Self.spec, seed: 0))
        let expected = try #require(PatchAnswer.expected(Self.operations, on: before, path: "0.bias"))
        var model = before.model
        try PatchOperation.apply(Self.operations, to: &model, path: "0.bias")
        // Another write came first: the write produced version 6.
        #expect(expected.response(for: Self.state(version: 6, model: model)) == nil)
        // A backward pass (an in-memory change, no new version) gave the bias a gradient.
        var trained = model
        _ = try trained.backward(
            input: try Tensor(shape: [1, 4], scalars: [1, 2, 3, 4]), target: .values(try Tensor(shape: [1, 3], scalars: [0, 0, 0])),
            loss: .mse)
        #expect(expected.response(for: Self.state(version: 5, model: trained)) == nil)
    }

    @Test func aLargeParameterIsNotFormattedAhead() throws {
        let spec = try JSONValue(parsing: Array(#"{"type": "linear", "in": 1024, "out": 1024}"#.utf8))
        let state = Self.state(version: 1, model: try Model(spec: spec, seed: 0))
        #expect(try PatchAnswer.snapshot(state, path: "weight") == nil)
        #expect(try PatchAnswer.snapshot(state, path: "bias") != nil)
        #expect(throws: (any Error).self) { try PatchAnswer.snapshot(state, path: "nothing") }
    }
}
