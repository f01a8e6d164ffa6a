import Foundation
import HTTP
import JSON
import Testing
@testable import Service

/// The /v2 routes in process: answers, the protocol's error body on every failure, the token,
/// and outputs bit for bit those of /v1 forward.
struct InferenceProtocolRoutesTests {
    static func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
    }

    static func floats(_ bytes: ArraySlice<UInt8>) -> [Float] {
        stride(from: bytes.startIndex, to: bytes.endIndex, by: 4).map { offset in
            Float(
                bitPattern: UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(
                    bytes[offset + 3]) << 24)
        }
    }

    /// The `error` member of a /v2 error body.
    static func error(_ response: TestResponse) -> String? {
        #expect(response.headers["Content-Type"] == "application/json")
        return response["error"]?.string
    }

    @Test func binaryInferEqualsRawForwardBitForBit() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let values: [Float] = (0..<4 * 64).map { Float($0 % 17) * 0.37 - 2.5 }
        let header =
            #"{"id": "7", "inputs": [{"name": "input", "shape": [64, 4], "datatype": "FP32", "parameters": {"binary_data_size": 1024}}], "parameters": {"binary_data_output": true}}"#
        let response = try await harness.send(
            .post, "/v2/models/mlp/infer", body: Array(header.utf8) + Self.floatBytes(values),
            headers: ["Inference-Header-Content-Length": String(header.utf8.count)])
        #expect(response.status == 200, "\(response.text)")
        #expect(response.headers["Content-Type"] == "application/octet-stream")
        let length = Int(response.headers["Inference-Header-Content-Length"] ?? "") ?? 0
        let json = try JSONValue(parsing: Array(response.body[..<length]))
        #expect(json["id"]?.string == "7")
        #expect(json["model_version"]?.string == "1")

        let raw = try await harness.send(
            .post, "/v1/models/mlp/forward", body: Self.floatBytes(values),
            headers: ["Content-Type": "application/octet-stream", "Accept": "application/octet-stream", "Tensor-Shape": "64,4"])
        #expect(Self.floats(response.body[length...]).map(\.bitPattern) == Self.floats(raw.body[...]).map(\.bitPattern))
    }

    @Test func errorsUseTheProtocolsBodyWithTheirStatus() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let noRoute = try await harness.send(.get, "/v2/whatever")
        #expect(noRoute.status == 404)
        #expect(Self.error(noRoute)?.contains("/v2/whatever") == true)
        let wrongMethod = try await harness.send(.post, "/v2/models/mlp")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["Allow"] == "GET, HEAD")
        #expect(Self.error(wrongMethod) != nil)
        let unknownModel = try await harness.send(.get, "/v2/models/nope/ready")
        #expect(unknownModel.status == 404)
        #expect(Self.error(unknownModel)?.contains("nope") == true)
        let badName = try await harness.send(.get, "/v2/models/..%2Fx")
        #expect(badName.status == 400)
        #expect(Self.error(badName) != nil)
        let oldVersion = try await harness.send(.post, "/v2/models/mlp/versions/0/infer", json: "{}")
        #expect(oldVersion.status == 404)
        #expect(Self.error(oldVersion) == #"model "mlp" has no version "0"; its current version is 1"#)
        let notJSON = try await harness.send(.post, "/v2/models/mlp/infer", json: "{")
        #expect(notJSON.status == 400)
        #expect(Self.error(notJSON)?.hasPrefix("the body is not acceptable JSON") == true)
        // The problem+json of /v1 is untouched.
        #expect(try await harness.send(.get, "/v1/whatever").headers["Content-Type"] == "application/problem+json")
    }

    @Test func aNonFiniteOutputIsA400() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        _ = try await harness.send(
            .post, "/v1/models/mlp/initialize", json: #"{"rules": [{"match": "**.weight", "init": {"name": "constant", "value": 3e38}}]}"#)
        let response = try await harness.send(
            .post, "/v2/models/mlp/infer",
            json: #"{"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "data": [1, 1, 1, 1]}]}"#)
        #expect(response.status == 400)
        #expect(Self.error(response)?.contains("not finite") == true)
    }

    @Test func theTokenGuardsEveryV2RouteButHealth() async throws {
        let harness = await ServiceHarness(token: "t0ken")
        let created = try await harness.send(
            .post, "/v1/models",
            json: #"{"name": "mlp", "spec": {"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 1}]}}"#,
            headers: ["Authorization": "Bearer t0ken"])
        #expect(created.status == 201)
        #expect(try await harness.send(.get, "/v2/health/live").status == 200)
        #expect(try await harness.send(.get, "/v2/health/ready").status == 200)
        for target in ["/v2", "/v2/", "/v2/models/mlp", "/v2/models/mlp/ready", "/v2/nothing"] {
            let refused = try await harness.send(.get, target)
            #expect(refused.status == 401, "\(target)")
            #expect(refused.headers["WWW-Authenticate"] == #"Bearer realm="paramd""#)
            #expect(Self.error(refused)?.contains("Authorization: Bearer") == true)
        }
        let wrong = try await harness.send(.get, "/v2/models/mlp", headers: ["Authorization": "Bearer nope"])
        #expect(wrong.status == 401)
        #expect(wrong.headers["WWW-Authenticate"]?.contains("invalid_token") == true)
        #expect(try await harness.send(.get, "/v2/models/mlp", headers: ["Authorization": "Bearer t0ken"]).status == 200)
    }

    @Test func theHeadHookRefusesV2BeforeTheBody() async throws {
        let harness = await ServiceHarness(token: "t0ken")
        let hooks = harness.service.makeHooks()
        guard case .respond(let response) = hooks.headReceived(try HTTPRequestHead(method: .post, target: "/v2/models/m/infer")) else {
            Issue.record("expected an immediate 401")
            return
        }
        #expect(response.status.code == 401)
        #expect(response.headers["Content-Type"] == "application/json")
        guard case .proceed = hooks.headReceived(try HTTPRequestHead(method: .get, target: "/v2/health/ready")) else {
            Issue.record("health probes need no token")
            return
        }
        let admitted = hooks.headReceived(
            try HTTPRequestHead(method: .post, target: "/v2/models/m/infer", headers: ["Authorization": "Bearer t0ken"]))
        guard case .proceed = admitted else {
            Issue.record("expected the request to proceed")
            return
        }
    }

    @Test func metadataOfKerasStyleAndFlattenedModels() async throws {
        let harness = await ServiceHarness()
        _ = try await harness.send(
            .post, "/v1/models",
            json: """
                {"name": "keras", "seed": 0, "init": "keras", "input_shape": [2, 3], "spec": {"type": "sequential", "layers": [
                  {"type": "flatten"}, {"type": "dense", "out": 4, "activation": "relu"}, {"type": "dense", "out": 2}]}}
                """)
        let metadata = try await harness.send(.get, "/v2/models/keras")
        #expect(metadata.status == 200)
        #expect(metadata["inputs"]?[0]?["shape"] == .array([.number(-1), .number(2), .number(3)]))
        #expect(metadata["outputs"]?[0]?["shape"] == .array([.number(-1), .number(2)]))
        #expect(metadata["platform"]?.string == "paramd")
        let answer = try await harness.send(
            .post, "/v2/models/keras/infer",
            json: #"{"inputs": [{"name": "input", "shape": [1, 2, 3], "datatype": "FP32", "data": [[[1, 2, 3], [4, 5, 6]]]}]}"#)
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer["outputs"]?[0]?["shape"] == .array([.number(1), .number(2)]))
    }

    @Test func serverMetadataNamesTheAPIVersion() async throws {
        let harness = await ServiceHarness()
        let metadata = try await harness.send(.get, "/v2")
        #expect(metadata["extensions"] == .array([.string("binary_tensor_data")]))
        let spec = try String(contentsOf: ContractTests.specURL, encoding: .utf8)
        #expect(spec.contains("\n  version: \(InferenceMetadata.serverVersion)\n"))
        #expect(try await harness.send(.get, "/v2/").body == metadata.body)
    }
}
