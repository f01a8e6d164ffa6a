import JSON
import HTTP
import Testing
@testable import Service

struct ModelRoutesTests {
    @Test func createAnswers201WithLocationETagAndDescription() async throws {
        let harness = await ServiceHarness()
        let response = try await harness.createMLP()
        #expect(response.status == 201)
        #expect(response.headers["Location"] == "/v1/models/mlp")
        #expect(response.headers["ETag"] == "\"1\"")
        #expect(response["version"]?.number == 1)
        #expect(response["parameter_count"]?.number == 49)
        #expect(response["tensor_count"]?.number == 4)
        #expect(response["initialized"] == .bool(true))
        #expect(
            response["tree"]?.string == """
                Sequential(
                  (0): Linear(in_features=4, out_features=8, bias=True)
                  (1): ReLU()
                  (2): Linear(in_features=8, out_features=1, bias=True)
                )
                """)
        #expect(response["summary"]?["total_parameters"]?.number == 49)
        #expect(response["summary"]?["layers"]?[0]?["output_shape"] == .array([.null, .number(8)]))
        #expect(harness.store.stored("mlp")?.version == 1)
    }

    @Test func createTwiceIsAConflict() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let again = try await harness.createMLP()
        #expect(again.status == 409)
        #expect(again.problemSlug == "name-taken")
        #expect(again.headers["Content-Type"] == "application/problem+json")
    }

    @Test(arguments: [".hidden", "a/b", "../etc", "", String(repeating: "x", count: 65), "sp ace", "é"])
    func createRefusesBadNamesWith400(_ name: String) async throws {
        let harness = await ServiceHarness()
        let response = try await harness.send(
            .post, "/v1/models", json: #"{"name": \#(JSONValue.string(name).jsonString), "spec": {"type": "relu"}}"#)
        #expect(response.status == 400)
        #expect(response.problemSlug == "invalid-name")
        #expect(harness.store.saveCount == 0)
    }

    @Test(arguments: [
        (#"{"name": "m", "spec": {"type": "relu"}, "colour": "red"}"#, "unknown-member"),
        (#"{"name": "m"}"#, "missing-member"),
        (#"{"name": 5, "spec": {"type": "relu"}}"#, "wrong-type"),
        (#"{"name": "m", "spec": {"type": "relu"}, "seed": -1}"#, "out-of-range"),
        (#"{"name": "m", "spec": {"type": "relu"}, "seed": 1.5}"#, "wrong-type"),
        (#"{"name": "m", "spec": {"type": "linear", "in": 4, "out": -3}}"#, "invalid-spec"),
        (#"{"name": "m", "spec": {"type": "relu"}, "init": "bogus"}"#, "invalid-argument"),
        // No request member is nullable in the contract: null is a wrong type, not "absent".
        (#"{"name": "m", "spec": {"type": "relu"}, "init": null}"#, "invalid-argument"),
        (#"{"name": "m", "spec": {"type": "relu"}, "seed": null}"#, "wrong-type"),
        (#"{"name": "m", "spec": {"type": "relu"}, "input_shape": null}"#, "wrong-type"),
        (#"{"name": null, "spec": {"type": "relu"}}"#, "wrong-type"),
        (#"{"name": "m", "spec": {"type": "relu"},}"#, "invalid-json"),
        ("[1, 2", "invalid-json")
    ])
    func createRefusesMalformedBodiesWith400(_ body: String, _ slug: String) async throws {
        let harness = await ServiceHarness()
        let response = try await harness.send(.post, "/v1/models", json: body)
        #expect(response.status == 400, "\(response.text)")
        #expect(response.problemSlug == slug, "\(response.text)")
        #expect(harness.store.saveCount == 0)
    }

    @Test func deeplyNestedJSONIsA400NotACrash() async throws {
        let harness = await ServiceHarness()
        let body = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let response = try await harness.send(.post, "/v1/models", json: body)
        #expect(response.status == 400)
        #expect(response.problemSlug == "invalid-json")
    }

    @Test func hugeSpecIsRefusedBeforeAllocation() async throws {
        let harness = await ServiceHarness()
        let response = try await harness.send(
            .post, "/v1/models",
            json: """
                {"name": "huge", "spec": {"type": "sequential", "layers": [
                  {"type": "linear", "in": 1000000, "out": 1000000}, {"type": "linear", "in": 1000000, "out": 1000000}]}}
                """)
        #expect(response.status == 422)
        #expect(response.problemSlug == "limit-exceeded")
        let list = try await harness.send(.get, "/v1/models")
        #expect(list["models"]?.array?.isEmpty == true)
    }

    @Test func wrongContentTypeIs415() async throws {
        let harness = await ServiceHarness()
        let response = try await harness.send(
            .post, "/v1/models", body: Array(#"{"name": "m", "spec": {"type": "relu"}}"#.utf8),
            headers: ["Content-Type": "text/plain"])
        #expect(response.status == 415)
    }

    @Test func failedStorageIs507AndLeavesNothingBehind() async throws {
        let harness = await ServiceHarness()
        harness.store.failNextWrites(1)
        let response = try await harness.createMLP()
        #expect(response.status == 507)
        #expect(response.problemSlug == "storage-failure")
        #expect(try await harness.send(.get, "/v1/models/mlp").status == 404)
        // The name is free again.
        #expect(try await harness.createMLP().status == 201)
    }

    @Test func listShowsNameVersionAndCount() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP("b")
        try await harness.createMLP("a")
        let list = try await harness.send(.get, "/v1/models")
        #expect(list.status == 200)
        #expect(
            list["models"]
                == .array([
                    .object(["name": .string("a"), "version": .number(1), "parameter_count": .number(49)]),
                    .object(["name": .string("b"), "version": .number(1), "parameter_count": .number(49)])
                ]))
    }

    @Test func describeCarriesETagAndUnknownIs404() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let found = try await harness.send(.get, "/v1/models/mlp")
        #expect(found.status == 200)
        #expect(found.headers["ETag"] == "\"1\"")
        #expect(found["seed"]?.number == 0)
        #expect(found["init"]?.string == "pytorch")
        let missing = try await harness.send(.get, "/v1/models/nope")
        #expect(missing.status == 404)
        #expect(missing.problemSlug == "unknown-model")
    }

    @Test func deleteHonoursIfMatchThenRemoves() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let stale = try await harness.send(.delete, "/v1/models/mlp", headers: ["If-Match": "\"7\""])
        #expect(stale.status == 412)
        #expect(stale.headers["ETag"] == "\"1\"")
        let deleted = try await harness.send(.delete, "/v1/models/mlp", headers: ["If-Match": "\"1\""])
        #expect(deleted.status == 204)
        #expect(harness.store.stored("mlp") == nil)
        #expect(try await harness.send(.get, "/v1/models/mlp").status == 404)
        #expect(try await harness.send(.delete, "/v1/models/mlp").status == 404)
    }

    @Test func unknownRouteIs404AndWrongMethodIs405WithAllow() async throws {
        let harness = await ServiceHarness()
        let missing = try await harness.send(.get, "/v3/nothing")  // /v2 is the inference protocol's, with its own body
        #expect(missing.status == 404)
        #expect(missing.headers["Content-Type"] == "application/problem+json")
        let wrong = try await harness.send(.put, "/v1/models")
        #expect(wrong.status == 405)
        #expect(wrong.headers["Allow"]?.contains("POST") == true)
    }

    @Test func modelsAreRebuiltFromStorage() async throws {
        let first = await ServiceHarness()
        try await first.createMLP()
        _ = try await first.send(.patch, "/v1/models/mlp/parameters/0.bias", json: #"{"op": "fill", "value": 3}"#)
        let stored = try #require(first.store.stored("mlp"))
        let second = await ServiceHarness(stored: [stored])
        let bias = try await second.send(.get, "/v1/models/mlp/parameters/0.bias")
        #expect(bias["value"]?.flatNumbers == Array(repeating: 3, count: 8))
        #expect(bias.headers["ETag"] == "\"2\"")
    }
}
