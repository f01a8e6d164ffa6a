import HTTP
import Testing
@testable import Service

struct AuthTests {
    @Test func v1RoutesNeedTheBearerToken() async throws {
        let harness = await ServiceHarness(token: "t0ken")
        let missing = try await harness.send(.get, "/v1/models")
        #expect(missing.status == 401)
        #expect(missing.headers["WWW-Authenticate"] == #"Bearer realm="paramd""#)
        let wrong = try await harness.send(.get, "/v1/models", headers: ["Authorization": "Bearer nope"])
        #expect(wrong.status == 401)
        #expect(wrong.headers["WWW-Authenticate"]?.contains("invalid_token") == true)
        let right = try await harness.send(.get, "/v1/models", headers: ["Authorization": "Bearer t0ken"])
        #expect(right.status == 200)
    }

    @Test func unknownV1RoutesAreAlso401WithoutAToken() async throws {
        let harness = await ServiceHarness(token: "t0ken")
        #expect(try await harness.send(.get, "/v1/whatever").status == 401)
    }

    @Test func healthReadinessAndMetricsStayOpen() async throws {
        let harness = await ServiceHarness(token: "t0ken")
        #expect(try await harness.send(.get, "/healthz").status == 200)
        #expect(try await harness.send(.get, "/readyz").status == 200)
        #expect(try await harness.send(.get, "/metrics").status == 200)
    }

    @Test func headHookRefusesBeforeTheBodyIsRead() async throws {
        let harness = await ServiceHarness(token: "t0ken")
        let hooks = harness.service.makeHooks()
        let refused = hooks.headReceived(try HTTPRequestHead(method: .post, target: "/v1/models"))
        guard case .respond(let response) = refused else {
            Issue.record("expected an immediate 401")
            return
        }
        #expect(response.status.code == 401)
        #expect(response.headers["WWW-Authenticate"] != nil)
        let admitted = hooks.headReceived(
            try HTTPRequestHead(method: .post, target: "/v1/models", headers: ["Authorization": "Bearer t0ken"]))
        guard case .proceed = admitted else {
            Issue.record("expected the request to proceed")
            return
        }
        let open = hooks.headReceived(try HTTPRequestHead(method: .get, target: "/healthz"))
        guard case .proceed = open else {
            Issue.record("health checks need no token")
            return
        }
    }
}
