import Foundation
import HTTP
import Testing
@testable import Service

/// Every operation against every scope: a token whose scopes grant the route's scope gets
/// through the access check, any other valid token gets 403 naming the scope, no token or an
/// unknown one 401.
struct RouteScopesTests {
    /// One token per scope in the tokens file, and `--token` as `root`.
    static let tokens: [(token: String, scopes: Set<AccessScope>)] =
        AccessScope.allCases.map { ("t-\($0.rawValue)", [$0]) } + [("t-read-infer", [.read, .infer]), ("root", [.admin])]

    static func harness() async throws -> ServiceHarness {
        let file = try TokenFile.parse(
            tokens.dropLast().map { "\($0.token) \($0.scopes.sorted().map(\.rawValue).joined(separator: ","))" }
                .joined(separator: "\n"))
        return await ServiceHarness(token: "root") { $0.fileTokens = file }
    }

    /// The route with its parameters filled in; the model does not exist, so nothing changes
    /// and no event stream stays open.
    static func target(_ template: String) -> String {
        template.replacingOccurrences(of: "{model}", with: "absent")
            .replacingOccurrences(of: "{path}", with: "0.weight")
            .replacingOccurrences(of: "{version}", with: "1")
            .replacingOccurrences(of: "{asset}", with: "app.js")
    }

    @Test func everyScopedRouteAdmitsExactlyTheTokensWhoseScopesGrantIt() async throws {
        let harness = try await Self.harness()
        var checked = 0
        for route in harness.router.routes {
            guard case .needs(let scope) = RouteScopes.access(route.method, template: route.template) else { continue }
            let target = Self.target(route.template)
            let v2 = target.hasPrefix("/v2")
            for (token, scopes) in Self.tokens {
                let response = try await harness.send(route.method, target, headers: ["Authorization": "Bearer \(token)"])
                let label = "\(route.method) \(route.template) with \(token)"
                if scopes.grants(scope) {
                    #expect(![401, 403].contains(response.status), "\(label): \(response.text)")
                } else {
                    #expect(response.status == 403, "\(label)")
                    #expect(
                        response.headers["WWW-Authenticate"]
                            == #"Bearer realm="paramd", error="insufficient_scope", scope="\#(scope.rawValue)""#)
                    if v2 {
                        #expect(response["error"]?.string?.contains("lacks the scope \"\(scope.rawValue)\"") == true, "\(label)")
                    } else {
                        #expect(response.headers["Content-Type"] == "application/problem+json", "\(label)")
                        #expect(response["required_scope"]?.string == scope.rawValue, "\(label)")
                        #expect(response["detail"]?.string?.contains("\"\(scope.rawValue)\"") == true, "\(label)")
                    }
                }
                checked += 1
            }
            for header in [nil, "Bearer nobody"] as [String?] {
                let response = try await harness.send(route.method, target, headers: header.map { ["Authorization": $0] } ?? [:])
                #expect(response.status == 401, "\(route.method) \(route.template) with \(header ?? "no header")")
                #expect(response.headers["WWW-Authenticate"]?.hasPrefix("Bearer") == true)
                if v2 { #expect(response["error"]?.string != nil) }
            }
        }
        #expect(checked == RouteScopes.table.values.filter { $0 != .open }.count * Self.tokens.count)
    }

    @Test func openRoutesNeedNoToken() async throws {
        let harness = try await Self.harness()
        let open = harness.router.routes.filter { RouteScopes.access($0.method, template: $0.template) == .open }
        #expect(Set(open.map(\.template)) == ["/healthz", "/readyz", "/metrics", "/", "/ui/{asset}", "/v2/health/live", "/v2/health/ready"])
        for route in open {
            let response = try await harness.send(route.method, Self.target(route.template))
            #expect(![401, 403].contains(response.status), "\(route.method) \(route.template)")
        }
    }

    @Test func headIsCheckedAsGet() async throws {
        let harness = try await Self.harness()
        #expect(try await harness.send(.head, "/v1/models", headers: ["Authorization": "Bearer t-infer"]).status == 403)
        #expect(try await harness.send(.head, "/v1/models", headers: ["Authorization": "Bearer t-read"]).status == 200)
    }

    @Test func unknownPathsUnderV1AndV2NeedAValidTokenOfAnyScope() async throws {
        let harness = try await Self.harness()
        for target in ["/v1/nothing", "/v2/nothing"] {
            #expect(try await harness.send(.get, target).status == 401)
            #expect(try await harness.send(.get, target, headers: ["Authorization": "Bearer t-infer"]).status == 404)
        }
        #expect(try await harness.send(.put, "/v1/models", headers: ["Authorization": "Bearer t-read"]).status == 405)
        #expect(try await harness.send(.get, "/elsewhere").status == 404)
    }

    @Test func theRefusalComesFromTheHeadHookBeforeTheBody() async throws {
        let harness = try await Self.harness()
        let head = try HTTPRequestHead(
            method: .post, target: "/v1/models", headers: ["Authorization": "Bearer t-read"], framing: .length(1 << 20))
        guard case .respond(let response) = harness.hooks.headReceived(head) else {
            Issue.record("a read token must be refused a create before its body")
            return
        }
        #expect(response.status.code == 403)
    }

    @Test func reloadedTokensApplyToTheNextRequest() async throws {
        let harness = try await Self.harness()
        #expect(try await harness.send(.get, "/v1/models", headers: ["Authorization": "Bearer t-read"]).status == 200)
        harness.service.replaceFileTokens(try TokenFile.parse("fresh read"))
        #expect(try await harness.send(.get, "/v1/models", headers: ["Authorization": "Bearer t-read"]).status == 401)
        #expect(try await harness.send(.get, "/v1/models", headers: ["Authorization": "Bearer fresh"]).status == 200)
        #expect(try await harness.send(.delete, "/v1/models/absent", headers: ["Authorization": "Bearer root"]).status == 404)
    }

    @Test func withoutTokensEverythingIsOpenAsBefore() async throws {
        let harness = await ServiceHarness()
        #expect(try await harness.send(.get, "/v1/models").status == 200)
        #expect(try await harness.send(.get, "/v2").status == 200)
    }

    /// The table is the one declaration of access: it covers every route the router serves and
    /// every operation of api/openapi.yaml, and names nothing else.
    @Test func everyRouteAndEveryOperationHasADeclaredScope() async throws {
        let harness = await ServiceHarness()
        let routed = Set(harness.router.routes.map { "\($0.method.rawValue) \($0.template)" })
        let specified = try ContractTests.specOperations()
        let declared = Set(RouteScopes.table.keys.map { "\($0.method.rawValue) \($0.template)" })
        #expect(routed.subtracting(declared).isEmpty, "served without a declared scope: \(routed.subtracting(declared).sorted())")
        #expect(specified.subtracting(declared).isEmpty, "specified without a declared scope: \(specified.subtracting(declared).sorted())")
        #expect(declared.subtracting(routed).isEmpty, "declared but not served: \(declared.subtracting(routed).sorted())")
    }

    /// api/openapi.yaml says the same: `security: []` on open operations, `security:
    /// [{bearer: [scope]}]` with the table's scope on every other.
    @Test func theSpecDeclaresTheTablesScopeOnEveryOperation() throws {
        let declared = Dictionary(
            uniqueKeysWithValues: RouteScopes.table.map { key, access in
                let security =
                    switch access {
                    case .open: "[]"
                    case .needs(let scope): "[{bearer: [\(scope.rawValue)]}]"
                    }
                return ("\(key.method.rawValue) \(key.template)", security)
            })
        let specified = try Self.specSecurity()
        #expect(specified.count == declared.count)
        for (operation, security) in declared {
            #expect(specified[operation] == security, "\(operation)")
        }
    }

    /// Each operation's `security:` value.
    static func specSecurity() throws -> [String: String] {
        try ContractTests.specOperationLines().compactMapValues { lines in
            lines.first { $0.hasPrefix("      security: ") }.map { String($0.dropFirst("      security: ".count)) }
        }
    }
}
