import HTTP
import Testing
@testable import Service

/// `--cors-origins`: listed origins get preflight answers and response headers, others nothing.
struct CORSTests {
    static let listed = "http://127.0.0.1:5173"
    static let preflight = [
        "Origin": listed, "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "authorization, content-type, if-match"
    ]

    @Test func withoutOriginsNothingChanges() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let response = try await harness.send(.options, "/v1/models/mlp/parameters/0.bias", headers: Self.preflight)
        #expect(response.status == 204 && response.headers["Allow"] != nil)
        #expect(response.headers["Access-Control-Allow-Origin"] == nil)
        let get = try await harness.send(.get, "/v1/models/mlp", headers: ["Origin": Self.listed])
        #expect(get.headers["Access-Control-Allow-Origin"] == nil && get.headers["Vary"] == nil)
    }

    @Test func aListedOriginsPreflightIsAnsweredWithoutTheToken() async throws {
        let harness = await ServiceHarness(token: "secret", configure: { $0.corsOrigins = [Self.listed] })
        let response = try await harness.send(.options, "/v1/models/mlp/parameters/0.bias", headers: Self.preflight)
        #expect(response.status == 204)
        #expect(response.headers["Access-Control-Allow-Origin"] == Self.listed)
        let methods = response.headers["Access-Control-Allow-Methods"] ?? ""
        #expect(["GET", "POST", "PUT", "PATCH", "DELETE"].allSatisfy { methods.contains($0) })
        let allowed = response.headers["Access-Control-Allow-Headers"] ?? ""
        #expect(["Authorization", "Content-Type", "If-Match", "Tensor-Shape"].allSatisfy { allowed.contains($0) })
        #expect(response.headers["Access-Control-Max-Age"] == "600")
    }

    @Test func responsesToAListedOriginExposeTheirHeaders() async throws {
        let harness = await ServiceHarness(token: "secret", configure: { $0.corsOrigins = ["http://other.example", Self.listed] })
        let created = try await harness.send(
            .post, "/v1/models", json: #"{"name": "m", "spec": {"type": "linear", "in": 2, "out": 1}}"#,
            headers: ["Origin": Self.listed, "Authorization": "Bearer secret"])
        #expect(created.status == 201)
        #expect(created.headers["Access-Control-Allow-Origin"] == Self.listed)
        let exposed = created.headers["Access-Control-Expose-Headers"] ?? ""
        #expect(["ETag", "Location", "Request-Id", "Tensor-Shape"].allSatisfy { exposed.contains($0) })
        #expect(created.headers.containsToken("Origin", in: "Vary"))
        let refused = try await harness.send(.get, "/v1/models", headers: ["Origin": Self.listed])
        #expect(refused.status == 401, "a 401 the page can read, so it can ask for the token")
        #expect(refused.headers["Access-Control-Allow-Origin"] == Self.listed)
    }

    @Test func anUnlistedOriginGetsNoCORSHeaders() async throws {
        let harness = await ServiceHarness(configure: { $0.corsOrigins = [Self.listed] })
        try await harness.createMLP()
        var headers = Self.preflight
        headers["Origin"] = "http://127.0.0.1:9999"
        let preflight = try await harness.send(.options, "/v1/models/mlp/parameters/0.bias", headers: headers)
        #expect(preflight.headers["Access-Control-Allow-Origin"] == nil && preflight.headers["Access-Control-Allow-Methods"] == nil)
        let get = try await harness.send(.get, "/v1/models/mlp", headers: ["Origin": "null"])
        #expect(get.status == 200 && get.headers["Access-Control-Allow-Origin"] == nil)
        #expect(get.headers.containsToken("Origin", in: "Vary"))
    }
}
