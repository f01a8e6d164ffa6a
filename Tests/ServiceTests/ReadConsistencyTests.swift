import HTTP
import JSON
import Testing

/// `?consistent=` and `Paramd-Min-Version` are checked on every store: one process on the file
/// (or memory) store always answers from the committed version, but a malformed value is still
/// the client's mistake, said in problem+json on /v1 and in the protocol's own body on /v2.
/// (Catching up on replicas: Tests/python/test_replicas.py, against a real PostgreSQL.)
struct ReadConsistencyTests {
    static let spec = #"{"name": "m", "spec": {"type": "linear", "in": 2, "out": 1}}"#

    @Test func wellFormedValuesAnswerFromTheCurrentVersion() async throws {
        let harness = await ServiceHarness()
        #expect(try await harness.send(.post, "/v1/models", json: Self.spec).status == 201)
        #expect(try await harness.send(.get, "/v1/models/m?consistent=true").status == 200)
        #expect(try await harness.send(.get, "/v1/models/m?consistent=false").status == 200)
        #expect(try await harness.send(.get, "/v1/models/m", headers: ["Paramd-Min-Version": "1"]).status == 200)
        #expect(try await harness.send(.get, "/v2/models/m?consistent=true").status == 200)
    }

    @Test(arguments: ["/v1/models/m?consistent=yes", "/v1/models/m/parameters?consistent=1"])
    func aMalformedConsistentIsAProblem(_ target: String) async throws {
        let harness = await ServiceHarness()
        #expect(try await harness.send(.post, "/v1/models", json: Self.spec).status == 201)
        let response = try await harness.send(.get, target)
        #expect(response.status == 400)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(response.text.contains("consistent must be true or false"))
    }

    @Test(arguments: ["0", "-3", "two", ""])
    func aMalformedMinVersionIsA400(_ value: String) async throws {
        let harness = await ServiceHarness()
        #expect(try await harness.send(.post, "/v1/models", json: Self.spec).status == 201)
        let response = try await harness.send(.get, "/v1/models/m", headers: ["Paramd-Min-Version": value])
        #expect(response.status == 400)
        #expect(response.text.contains("Paramd-Min-Version"))
    }

    @Test func onTheInferenceProtocolTheErrorIsItsOwnBody() async throws {
        let harness = await ServiceHarness()
        #expect(try await harness.send(.post, "/v1/models", json: Self.spec).status == 201)
        let response = try await harness.send(.get, "/v2/models/m?consistent=maybe")
        #expect(response.status == 400)
        let body = try JSONValue(parsing: response.body)
        guard case .object(let members) = body, case .string(let message)? = members["error"] else {
            Issue.record("not the protocol's error body: \(response.text)")
            return
        }
        #expect(message.contains("consistent must be true or false"))
    }
}
