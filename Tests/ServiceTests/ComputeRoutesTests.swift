import HTTP
import JSON
import Testing
@testable import Service

struct ComputeRoutesTests {
    @Test func forwardReturnsOutputsAndShape() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let response = try await harness.send(
            .post, "/v1/models/mlp/forward", json: #"{"inputs": [[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]]}"#)
        #expect(response.status == 200, "\(response.text)")
        #expect(response["shape"] == .array([.number(2), .number(1)]))
        #expect(response["outputs"]?.flatNumbers.count == 2)
        #expect(response.headers["ETag"] == "\"1\"")
    }

    @Test func forwardCapturesActivations() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let response = try await harness.send(
            .post, "/v1/models/mlp/forward", json: #"{"inputs": [[1, 2, 3, 4]], "capture": ["1"]}"#)
        let hidden = response["activations"]?["1"]?.flatNumbers ?? []
        #expect(hidden.count == 8)
        #expect(hidden.allSatisfy { $0 >= 0 })
    }

    @Test func rawForwardMatchesJSON() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let json = try await harness.send(.post, "/v1/models/mlp/forward", json: #"{"inputs": [[1, 2, 3, 4], [4, 3, 2, 1]]}"#)
        var bytes: [UInt8] = []
        for value: Float in [1, 2, 3, 4, 4, 3, 2, 1] { withUnsafeBytes(of: value) { bytes += $0 } }
        let raw = try await harness.send(
            .post, "/v1/models/mlp/forward", body: bytes,
            headers: ["Content-Type": "application/octet-stream", "Accept": "application/octet-stream"])
        #expect(raw.status == 200)
        #expect(raw.headers["Tensor-Shape"] == "2,1")
        let floats = raw.body.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(floats.map(Double.init) == json["outputs"]?.flatNumbers.map { Double(Float($0)) })
    }

    @Test func widthMismatchIs422NamingLayerAndWidths() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let response = try await harness.send(.post, "/v1/models/mlp/forward", json: #"{"inputs": [[1, 2, 3, 4, 5]]}"#)
        #expect(response.status == 422)
        let detail = response["detail"]?.string ?? ""
        #expect(detail.contains("5") && detail.contains("4"), "\(detail)")
    }

    @Test(arguments: [
        (#"{"inputs": [[1, 2], [3]]}"#, 422), (#"{"inputs": [1, 2, 3, 4]}"#, 422), (#"{"inputs": [["a", 2, 3, 4]]}"#, 400),
        (#"{"inputs": [[1, 2, 3, 4]], "extra": 1}"#, 400), (#"{}"#, 400), (#"{"inputs": [[1e39, 2, 3, 4]]}"#, 400),
        (#"{"inputs": [[1, 2, 3, 4]], "capture": ["9"]}"#, 422), ("nope", 400), (#"{"inputs": [[]]}"#, 422)
    ])
    func badInputsAreClear4xx(_ body: String, _ status: Int) async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let response = try await harness.send(.post, "/v1/models/mlp/forward", json: body)
        #expect(response.status == status, "\(body) → \(response.text)")
    }

    @Test func deferredModelMaterializesOnFirstForwardAsADurableWrite() async throws {
        let harness = await ServiceHarness()
        let created = try await harness.send(
            .post, "/v1/models",
            json: """
                {"name": "lazy", "spec": {"type": "sequential", "layers": [{"type": "dense", "out": 8, "activation": "relu"}, {"type": "dense", "out": 1}]}}
                """)
        #expect(created["initialized"] == .bool(false))
        let forward = try await harness.send(.post, "/v1/models/lazy/forward", json: #"{"inputs": [[1, 2, 3, 4]]}"#)
        #expect(forward.status == 200, "\(forward.text)")
        #expect(forward.headers["ETag"] == "\"2\"")
        let described = try await harness.send(.get, "/v1/models/lazy")
        #expect(described["initialized"] == .bool(true))
        #expect(described["parameter_count"]?.number == 49)
        #expect(harness.store.stored("lazy")?.tensors.count == 4)
        let again = try await harness.send(.post, "/v1/models/lazy/forward", json: #"{"inputs": [[1, 2, 3, 4]]}"#)
        #expect(again.headers["ETag"] == "\"2\"")
        #expect(again["outputs"] == forward["outputs"])
    }

    @Test func emptyInputsToADeferredModelAre422AndLeaveItDeferred() async throws {
        let harness = await ServiceHarness()
        _ = try await harness.send(.post, "/v1/models", json: #"{"name": "lazy", "spec": {"type": "dense", "out": 2}}"#)
        for body in [#"{"inputs": [[]]}"#, #"{"inputs": [[], []]}"#] {
            let response = try await harness.send(.post, "/v1/models/lazy/forward", json: body)
            #expect(response.status == 422, "\(response.text)")
        }
        let raw = try await harness.send(
            .post, "/v1/models/lazy/forward", body: [], headers: ["Content-Type": "application/octet-stream", "Tensor-Shape": "0,4"])
        #expect(raw.status == 422)
        let backward = try await harness.send(
            .post, "/v1/models/lazy/backward", json: #"{"inputs": [[]], "targets": [[1, 2]], "loss": "mse"}"#)
        #expect(backward.status == 422)
        #expect(try await harness.send(.get, "/v1/models/lazy")["initialized"] == .bool(false))
    }

    @Test func initializeXavierThenConstant42() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let response = try await harness.send(
            .post, "/v1/models/mlp/initialize",
            json: """
                {"seed": 0, "rules": [{"match": "0.weight", "init": "xavier_uniform"},
                                      {"match": "2", "init": {"name": "constant", "value": 42}}]}
                """)
        #expect(response.status == 200, "\(response.text)")
        #expect(response["version"]?.number == 2)
        #expect(response["initialized"] == .array([.string("0.weight"), .string("2.weight"), .string("2.bias")]))
        let weight = try await harness.send(.get, "/v1/models/mlp/parameters/2.weight")
        #expect(weight["value"]?.flatNumbers == Array(repeating: 42, count: 8))
        let bound = (6.0 / 12.0).squareRoot()
        let first = try await harness.send(.get, "/v1/models/mlp/parameters/0.weight")
        #expect(first["value"]?.flatNumbers.allSatisfy { abs($0) <= bound } == true)
    }

    @Test func initializeRuleThatMatchesNothingIs422() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let response = try await harness.send(
            .post, "/v1/models/mlp/initialize", json: #"{"rules": [{"match": "9.weight", "init": "zeros"}]}"#)
        #expect(response.status == 422)
        #expect(response.problemSlug == "no-match")
    }

    @Test func inputsNestedAHundredThousandDeepAre400() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let body = #"{"inputs": "# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        let response = try await harness.send(.post, "/v1/models/mlp/forward", json: body)
        #expect(response.status == 400)
        #expect(response.problemSlug == "invalid-json")
    }
}
