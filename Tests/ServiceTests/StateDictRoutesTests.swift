import HTTP
import JSON
import NeuralNet
import Testing
@testable import Service

/// GET and PUT /v1/models/{model}/state-dict and GET /v1/models/{model}/onnx in process
/// (Tests/python drives the built server with torch, safetensors, onnx and onnxruntime).
struct StateDictRoutesTests {
    static let octetStream = ["Content-Type": "application/octet-stream"]

    static func json(_ text: String) -> JSONValue? { try? JSONValue(parsing: text) }

    @Test func exportsEveryNameOfATiedParameterAsAnAttachment() async throws {
        let harness = await ServiceHarness()
        try await harness.createTied()
        let response = try await harness.send(.get, "/v1/models/tied/state-dict")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/octet-stream")
        #expect(response.headers["Content-Disposition"] == #"attachment; filename="tied.safetensors""#)
        #expect(response.headers["ETag"] == #""1""#)
        let file = try SafeTensorsFile(decoding: response.body)
        #expect(file.tensors.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias", "6.weight", "6.bias"])
        #expect(file.tensors[2].values == file.tensors[4].values)
        #expect(file.metadata["format"] == "pt")
        #expect(try JSONValue(parsing: file.metadata["spec"] ?? "")["type"]?.string == "sequential")
    }

    @Test func loadsItsOwnExportAsANewVersion() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        var file = try SafeTensorsFile(decoding: try await harness.send(.get, "/v1/models/mlp/state-dict").body)
        file.tensors[1].values = [Float](repeating: 0.5, count: 8)
        let put = try await harness.send(.put, "/v1/models/mlp/state-dict", body: try file.encoded(), headers: Self.octetStream)
        #expect(put.status == 200)
        #expect(put.headers["ETag"] == #""2""#)
        #expect(put.json == Self.json(#"{"version": 2, "missing_keys": [], "unexpected_keys": [], "mismatched": []}"#))
        let bias = try await harness.send(.get, "/v1/models/mlp/parameters/0.bias")
        #expect(bias["value"]?.flatNumbers == [Double](repeating: 0.5, count: 8))
    }

    @Test func aStrictMismatchIsA422ListingEveryKey() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let file = SafeTensorsFile(tensors: [
            SafeTensorsEntry(name: "0.weight", shape: [4, 8], values: [Float](repeating: 0, count: 32)),
            SafeTensorsEntry(name: "9.bias", shape: [1], values: [0])
        ])
        let put = try await harness.send(.put, "/v1/models/mlp/state-dict", body: try file.encoded(), headers: Self.octetStream)
        #expect(put.status == 422)
        #expect(put.problemSlug == "state-dict-mismatch")
        #expect(put["missing_keys"] == Self.json(#"["0.bias", "2.weight", "2.bias"]"#))
        #expect(put["unexpected_keys"] == Self.json(#"["9.bias"]"#))
        #expect(
            put["mismatched"] == Self.json(#"[{"reason": "shape", "key": "0.weight", "expected_shape": [8, 4], "actual_shape": [4, 8]}]"#))
        #expect(try await harness.send(.get, "/v1/models/mlp").headers["ETag"] == #""1""#)
    }

    @Test func refusesWhatIsNotSafeTensorsBeforeLookingFurther() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let truncated = try await harness.send(.put, "/v1/models/mlp/state-dict", body: [1, 2, 3], headers: Self.octetStream)
        #expect(truncated.status == 400)
        #expect(truncated.problemSlug == "invalid-safetensors")
        let wrongType = try await harness.send(.put, "/v1/models/mlp/state-dict", json: "{}")
        #expect(wrongType.status == 415)
        let flag = try await harness.send(.put, "/v1/models/mlp/state-dict?strict=maybe", body: [], headers: Self.octetStream)
        #expect(flag.status == 400)
    }

    @Test func aDeferredModelIsA409ForEveryRoute() async throws {
        let harness = await ServiceHarness()
        _ = try await harness.send(.post, "/v1/models", json: #"{"name": "lazy", "spec": {"type": "dense", "out": 2}}"#)
        for (method, route) in [(HTTPMethod.get, "state-dict"), (.put, "state-dict"), (.get, "onnx")] {
            let response = try await harness.send(method, "/v1/models/lazy/\(route)", body: [], headers: Self.octetStream)
            #expect(response.status == 409, "\(method) \(route)")
            #expect(response.problemSlug == "not-materialized")
        }
    }

    @Test func exportsONNXAsAnAttachment() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let response = try await harness.send(.get, "/v1/models/mlp/onnx")
        #expect(response.status == 200)
        #expect(response.headers["Content-Disposition"] == #"attachment; filename="mlp.onnx""#)
        #expect(response.headers["ETag"] == #""1""#)
        #expect(response.body.count > 49 * 4)
    }
}
