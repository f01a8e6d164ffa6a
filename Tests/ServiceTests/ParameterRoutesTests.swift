import HTTP
import JSON
import Testing
@testable import Service

struct ParameterRoutesTests {
    @Test func listNamesShapesAndTiedAliasesOnce() async throws {
        let harness = await ServiceHarness()
        try await harness.createTied()
        let list = try await harness.send(.get, "/v1/models/tied/parameters")
        #expect(list.status == 200)
        let names = list["parameters"]?.array?.compactMap { $0["name"]?.string }
        #expect(names == ["0.weight", "0.bias", "2.weight", "2.bias", "6.weight", "6.bias"])
        #expect(list["parameters"]?[2]?["aliases"] == .array([.string("4.weight")]))
        #expect(list["parameters"]?[2]?["shape"] == .array([.number(8), .number(8)]))
        #expect(list["parameters"]?[2]?["dtype"]?.string == "float32")
        #expect(list["parameters"]?[2]?["value"] == nil)
    }

    @Test func listWithPrefixAndValues() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let list = try await harness.send(.get, "/v1/models/mlp/parameters?prefix=2&values=true")
        #expect(list["parameters"]?.array?.compactMap { $0["name"]?.string } == ["2.weight", "2.bias"])
        #expect(list["parameters"]?[0]?["value"]?.flatNumbers.count == 8)
        let unknown = try await harness.send(.get, "/v1/models/mlp/parameters?prefix=9")
        #expect(unknown.status == 422)
        #expect(unknown.problemSlug == "unknown-module")
        let badFlag = try await harness.send(.get, "/v1/models/mlp/parameters?values=yes")
        #expect(badFlag.status == 400)
    }

    @Test func getOneParameterWithNullGradientAndSlices() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let whole = try await harness.send(.get, "/v1/models/mlp/parameters/0.weight")
        #expect(whole.status == 200)
        #expect(whole["shape"] == .array([.number(8), .number(4)]))
        #expect(whole["grad"] == .null)
        let values = whole["value"]?.flatNumbers ?? []
        let row = try await harness.send(.get, "/v1/models/mlp/parameters/0.weight?slice=1")
        #expect(row["shape"] == .array([.number(4)]))
        #expect(row["value"]?.flatNumbers == Array(values[4..<8]))
        let element = try await harness.send(.get, "/v1/models/mlp/parameters/0.weight?slice=0,0")
        #expect(element["value"]?.number == values[0])
        let block = try await harness.send(.get, "/v1/models/mlp/parameters/0.weight?slice=0:2,1:3")
        #expect(block["shape"] == .array([.number(2), .number(2)]))
        #expect(block["value"]?.flatNumbers == [values[1], values[2], values[5], values[6]])
        let outside = try await harness.send(.get, "/v1/models/mlp/parameters/0.weight?slice=9")
        #expect(outside.status == 422)
        let malformed = try await harness.send(.get, "/v1/models/mlp/parameters/0.weight?slice=0%3A2%3A1")
        #expect(malformed.status == 400)
    }

    @Test func rawValueWithTensorShapeHeader() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let json = try await harness.send(.get, "/v1/models/mlp/parameters/0.bias")
        let raw = try await harness.send(.get, "/v1/models/mlp/parameters/0.bias", headers: ["Accept": "application/octet-stream"])
        #expect(raw.headers["Content-Type"] == "application/octet-stream")
        #expect(raw.headers["Tensor-Shape"] == "8")
        let floats = raw.body.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(floats.map(Double.init) == json["value"]?.flatNumbers.map { Double(Float($0)) })
    }

    /// The URL names a parameter the model does not have: no such resource, so 404 (naming it)
    /// for reading, replacing and editing alike, and nothing changes.
    @Test func unknownPathIs404NamingIt() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let get = try await harness.send(.get, "/v1/models/mlp/parameters/1.weight")
        #expect(get.status == 404 && get.problemSlug == "unknown-parameter")
        #expect(get["path"]?.string == "1.weight")
        let put = try await harness.send(.put, "/v1/models/mlp/parameters/1.weight", json: #"{"value": [1]}"#)
        #expect(put.status == 404 && put["path"]?.string == "1.weight")
        let patch = try await harness.send(.patch, "/v1/models/mlp/parameters/1.weight", json: #"{"op": "fill", "value": 1}"#)
        #expect(patch.status == 404 && patch["path"]?.string == "1.weight")
        let model = try await harness.send(.get, "/v1/models/mlp")
        #expect(model["version"]?.number == 1)
    }

    @Test func putReplacesAndBumpsTheVersion() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let response = try await harness.send(
            .put, "/v1/models/mlp/parameters/2.bias", json: #"{"value": [0.5]}"#, headers: ["If-Match": "\"1\""])
        #expect(response.status == 200, "\(response.text)")
        #expect(response.headers["ETag"] == "\"2\"")
        #expect(response["value"] == .array([.number(0.5)]))
        #expect(harness.store.stored("mlp")?.version == 2)
    }

    @Test func putRawUsesTheParameterShapeByDefault() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        var bytes: [UInt8] = []
        for value: Float in [1, 2, 3, 4, 5, 6, 7, 8] { withUnsafeBytes(of: value) { bytes += $0 } }
        let response = try await harness.send(
            .put, "/v1/models/mlp/parameters/0.bias", body: bytes, headers: ["Content-Type": "application/octet-stream"])
        #expect(response.status == 200, "\(response.text)")
        #expect(response["value"]?.flatNumbers == [1, 2, 3, 4, 5, 6, 7, 8])
        let wrongShape = try await harness.send(
            .put, "/v1/models/mlp/parameters/0.bias", body: bytes,
            headers: ["Content-Type": "application/octet-stream", "Tensor-Shape": "2,4"])
        #expect(wrongShape.status == 422)
        #expect(wrongShape.problemSlug == "shape-mismatch")
        var nan: [UInt8] = bytes
        withUnsafeBytes(of: Float.nan) { nan.replaceSubrange(0..<4, with: $0) }
        let notFinite = try await harness.send(
            .put, "/v1/models/mlp/parameters/0.bias", body: nan, headers: ["Content-Type": "application/octet-stream"])
        #expect(notFinite.status == 422)
        #expect(notFinite.problemSlug == "non-finite")
    }

    @Test func putWithWrongShapeNamesBothShapesAndChangesNothing() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let response = try await harness.send(.put, "/v1/models/mlp/parameters/2.bias", json: #"{"value": [1, 2]}"#)
        #expect(response.status == 422)
        #expect(response["expected_shape"] == .array([.number(1)]))
        #expect(response["actual_shape"] == .array([.number(2)]))
        #expect(harness.store.stored("mlp")?.version == 1)
    }

    @Test func putWithStaleIfMatchIs412() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let response = try await harness.send(
            .put, "/v1/models/mlp/parameters/2.bias", json: #"{"value": [0.5]}"#, headers: ["If-Match": "\"5\""])
        #expect(response.status == 412)
        #expect(harness.store.stored("mlp")?.version == 1)
    }

    @Test func patchAppliesTheChaptersEdits() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let before = try await harness.send(.get, "/v1/models/mlp/parameters/0.weight")
        let original = before["value"]?.flatNumbers ?? []
        let response = try await harness.send(
            .patch, "/v1/models/mlp/parameters/0.weight",
            json: #"{"ops": [{"op": "add", "value": 1}, {"op": "set", "index": [0, 0], "value": 42}]}"#)
        #expect(response.status == 200, "\(response.text)")
        let after = response["value"]?.flatNumbers ?? []
        #expect(after[0] == 42)
        for index in 1..<original.count {
            #expect(Float(after[index]) == Float(original[index]) + 1)
        }
    }

    @Test func patchSlicesAndSingleOps() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        _ = try await harness.send(.patch, "/v1/models/mlp/parameters/0.weight", json: #"{"op": "fill", "value": 1}"#)
        _ = try await harness.send(.patch, "/v1/models/mlp/parameters/0.weight", json: #"{"op": "mul", "value": 3, "slice": "0:2"}"#)
        let response = try await harness.send(
            .patch, "/v1/models/mlp/parameters/0.weight", json: #"{"op": "set", "slice": "7", "value": [9, 9, 9, 9]}"#)
        let values = response["value"]?.flatNumbers ?? []
        #expect(Array(values[0..<8]) == Array(repeating: 3, count: 8))
        #expect(Array(values[8..<28]) == Array(repeating: 1, count: 20))
        #expect(Array(values[28..<32]) == [9, 9, 9, 9])
        #expect(response.headers["ETag"] == "\"4\"")
    }

    @Test func patchIsAllOrNothing() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let before = try await harness.send(.get, "/v1/models/mlp/parameters/0.weight")
        let response = try await harness.send(
            .patch, "/v1/models/mlp/parameters/0.weight",
            json: #"{"ops": [{"op": "add", "value": 1}, {"op": "set", "index": [99, 0], "value": 42}]}"#)
        #expect(response.status == 422)
        let after = try await harness.send(.get, "/v1/models/mlp/parameters/0.weight")
        #expect(after["value"] == before["value"])
        #expect(after.headers["ETag"] == "\"1\"")
    }

    @Test func patchThatOverflowsIsRefused() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let response = try await harness.send(
            .patch, "/v1/models/mlp/parameters/0.weight",
            json: #"{"ops": [{"op": "fill", "value": 3e38}, {"op": "mul", "value": 10}]}"#)
        #expect(response.status == 422)
        #expect(response.problemSlug == "non-finite")
    }

    @Test(arguments: [
        #"{"op": "pow", "value": 2}"#, #"{"op": "add"}"#, #"{"op": "add", "value": "1"}"#,
        #"{"op": "add", "value": 1, "extra": true}"#, #"{"ops": []}"#, #"{"op": "set", "index": [0, 0], "value": [1]}"#,
        #"{"op": "set", "index": [0], "slice": "0", "value": 1}"#, #"{"op": "add", "value": 1e39}"#,
        #"{"op": "set", "index": null, "value": 1}"#, #"{"op": null, "value": 1}"#
    ])
    func malformedPatchIs400(_ body: String) async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let response = try await harness.send(.patch, "/v1/models/mlp/parameters/0.weight", json: body)
        #expect(response.status == 400, "\(body) → \(response.text)")
    }

    @Test func tiedParametersStayIdenticalThroughEitherPath() async throws {
        let harness = await ServiceHarness()
        try await harness.createTied()
        _ = try await harness.send(.patch, "/v1/models/tied/parameters/2.weight", json: #"{"op": "set", "index": [0, 0], "value": 100}"#)
        let alias = try await harness.send(.get, "/v1/models/tied/parameters/4.weight")
        #expect(alias["value"]?[0]?[0]?.number == 100)
        _ = try await harness.send(.patch, "/v1/models/tied/parameters/4.weight", json: #"{"op": "set", "index": [1, 1], "value": -5}"#)
        let first = try await harness.send(.get, "/v1/models/tied/parameters/2.weight")
        let second = try await harness.send(.get, "/v1/models/tied/parameters/4.weight")
        #expect(first["value"]?[1]?[1]?.number == -5)
        #expect(first["value"] == second["value"])
        #expect(first["name"]?.string == "2.weight")
        #expect(second["name"]?.string == "2.weight")
    }

    @Test func failedSaveLeavesTheParameterAsItWas() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        harness.store.failNextWrites(1)
        let response = try await harness.send(.patch, "/v1/models/mlp/parameters/2.bias", json: #"{"op": "fill", "value": 7}"#)
        #expect(response.status == 507)
        let after = try await harness.send(.get, "/v1/models/mlp/parameters/2.bias")
        #expect(after["value"]?.flatNumbers != [7])
        #expect(after.headers["ETag"] == "\"1\"")
    }
}
