import Foundation
import Testing

/// Hostile requests over a real socket: each is a clear 4xx, the server stays up, and the
/// stored model does not change.
@Suite(.serialized)
struct HostileInputTests {
    let server: ServerProcess
    let before: Data

    init() throws {
        server = try ServerProcess()
        let created = try Curl.json("POST", "\(server.baseURL)/v1/models", ChapterWalkthroughTests.mlp)
        precondition(created.status == 201, created.text)
        before = try Curl.json("GET", "\(server.baseURL)/v1/models/mlp/parameters?values=true").body
    }

    /// Stops the server after checking it is alive and the model untouched.
    func finish() throws {
        defer { server.stop(); server.removeData() }
        #expect(try Curl.json("GET", "\(server.baseURL)/healthz").status == 200)
        let after = try Curl.json("GET", "\(server.baseURL)/v1/models/mlp/parameters?values=true")
        #expect(after.body == before)
        let described = try Curl.json("GET", "\(server.baseURL)/v1/models/mlp")
        #expect(described.header("ETag") == "\"1\"")
    }

    @Test(arguments: [
        ("POST", "/v1/models/mlp/forward", "{\"inputs\": [[1, 2, 3, 4]", 400),
        ("PUT", "/v1/models/mlp/parameters/0.bias", "{\"value\": [1, 2, 3, 4, 5, 6, 7, 8], \"unknown\": 1}", 400),
        ("PUT", "/v1/models/mlp/parameters/0.bias", "{\"value\": \"zeros\"}", 400),
        ("PATCH", "/v1/models/mlp/parameters/0.bias", "{\"op\": \"add\", \"value\": true}", 400),
        ("POST", "/v1/models/mlp/initialize", "{\"rules\": [{\"match\": \"**\", \"init\": {\"name\": \"normal\", \"std\": -1}}]}", 400),
        ("POST", "/v1/models", "{\"name\": \"x\", \"spec\": {\"type\": \"linear\", \"in\": 1000000000, \"out\": 1000000000}}", 422)
    ])
    func malformedBodiesAreClear4xx(_ method: String, _ path: String, _ body: String, _ status: Int) throws {
        let response = try Curl.json(method, "\(server.baseURL)\(path)", body)
        #expect(response.status == status, "\(response.text)")
        #expect(response.header("Content-Type") == "application/problem+json")
        try finish()
    }

    @Test func nestingAHundredThousandDeepIs400() throws {
        let body = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let response = try Curl.json("POST", "\(server.baseURL)/v1/models/mlp/forward", #"{"inputs": \#(body)}"#)
        #expect(response.status == 400, "\(response.text)")
        try finish()
    }

    @Test func aGigabyteDeclaredBodyIs413BeforeUpload() throws {
        let request =
            "POST /v1/models/mlp/forward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{\"inputs\""
        let answer = try RawSocket.exchange(port: server.port, Array(request.utf8))
        #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer)")
        try finish()
    }

    @Test func aSpecForAQuintillionParametersIsRefused() throws {
        let response = try Curl.json(
            "POST", "\(server.baseURL)/v1/models",
            """
            {"name": "big", "spec": {"type": "sequential", "layers": [
              {"type": "linear", "in": 1000000, "out": 1000000}, {"type": "linear", "in": 1000000, "out": 1000000},
              {"type": "linear", "in": 1000000, "out": 1000000}]}}
            """)
        #expect(response.status == 422, "\(response.text)")
        #expect(try Curl.json("GET", "\(server.baseURL)/v1/models/big").status == 404)
        try finish()
    }

    @Test(arguments: ["..%2F..%2Fetc", "..%2Fmlp", "%2E%2E", ".hidden", "a%00b"])
    func traversalNamesAre400(_ name: String) throws {
        let response = try Curl.json("GET", "\(server.baseURL)/v1/models/\(name)")
        #expect(response.status == 400, "\(name): \(response.text)")
        let create = try Curl.json("POST", "\(server.baseURL)/v1/models", #"{"name": "../x", "spec": {"type": "relu"}}"#)
        #expect(create.status == 400)
        try finish()
    }

    @Test func wrongTypesAndUnknownFieldsAre400() throws {
        for body in [
            #"{"name": "y", "spec": {"type": "relu"}, "sede": 1}"#, #"{"name": ["y"], "spec": {"type": "relu"}}"#,
            #"{"name": "y", "spec": {"type": "linear", "in": "4", "out": 2}}"#
        ] {
            let response = try Curl.json("POST", "\(server.baseURL)/v1/models", body)
            #expect(response.status == 400, "\(body): \(response.text)")
        }
        try finish()
    }
}
