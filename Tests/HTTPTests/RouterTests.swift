import Testing
@testable import HTTP

/// The router maps OpenAPI-style templates, answers 404/405, and reports what it matched.
struct RouterTests {
    static func request(_ method: HTTPMethod, _ target: String) throws -> HTTPRequest {
        HTTPRequest(head: try HTTPRequestHead(method: method, target: target))
    }

    static func echoRouter() -> Router {
        var router = Router()
        router.get("/v1/models") { _ in .text("list") }
        router.post("/v1/models") { _ in .text("create") }
        router.get("/v1/models/{m}") { request in .text("model \(request.parameters["m"] ?? "?")") }
        router.delete("/v1/models/{m}") { _ in .text("deleted") }
        router.get("/v1/models/{m}/parameters/{path}") { request in
            .text("\(request.parameters["m"] ?? "?"):\(request.parameters["path"] ?? "?") via \(request.route ?? "?")")
        }
        router.get("/v1/models/special") { _ in .text("literal wins") }
        router.get("/healthz") { _ in .text("ok") }
        return router
    }

    static func body(_ response: HTTPResponse) -> String {
        guard case .bytes(let bytes) = response.body else { return "<stream>" }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func matchesTemplatesAndDecodesParameters() async throws {
        let router = Self.echoRouter()
        let response = try await router.respond(to: Self.request(.get, "/v1/models/my%20net/parameters/0.block%201.weight"))
        #expect(Self.body(response) == "my net:0.block 1.weight via /v1/models/{m}/parameters/{path}")
        #expect(response.route == "/v1/models/{m}/parameters/{path}")
    }

    /// The route tree is shared between copies of a router until one changes: neither sees
    /// the other's later routes or middleware.
    @Test func aCopyOfARouterKeepsItsOwnRoutes() async throws {
        let original = Self.echoRouter()
        var copy = original
        copy.get("/v1/models/{m}/extra") { _ in .text("extra") }
        copy.use(HTTPMiddleware(after: { _, response in response.headers.set("X-Wrapped", "yes") }))
        #expect(original.match(.get, ["v1", "models", "a", "extra"]) == .notFound)
        #expect(copy.match(.get, ["v1", "models", "a", "extra"]) == .found(template: "/v1/models/{m}/extra", parameters: ["m": "a"]))
        let fromOriginal = try await original.respond(to: Self.request(.get, "/v1/models"))
        let fromCopy = try await copy.respond(to: Self.request(.get, "/v1/models"))
        #expect(fromOriginal.headers["X-Wrapped"] == nil)
        #expect(fromCopy.headers["X-Wrapped"] == "yes")
        #expect(Self.body(fromOriginal) == "list" && Self.body(fromCopy) == "list")
    }

    @Test func literalSegmentsWinOverParameters() async throws {
        let router = Self.echoRouter()
        #expect(Self.body(try await router.respond(to: Self.request(.get, "/v1/models/special"))) == "literal wins")
        #expect(Self.body(try await router.respond(to: Self.request(.get, "/v1/models/other"))) == "model other")
    }

    @Test func unknownPathsAre404() async throws {
        let router = Self.echoRouter()
        for target in ["/v2", "/v1/models/a/b", "/v1/models/", "/healthz/extra", "/"] {
            let response = try await router.respond(to: Self.request(.get, target))
            #expect(response.status == .notFound, "\(target)")
            #expect(response.route == nil)
        }
    }

    @Test func wrongMethodsAre405WithAllow() async throws {
        let router = Self.echoRouter()
        let response = try await router.respond(to: Self.request(.put, "/v1/models/x"))
        #expect(response.status == .methodNotAllowed)
        #expect(response.headers["Allow"] == "DELETE, GET, HEAD")
    }

    @Test func headFallsBackToGetAndOptionsListsMethods() async throws {
        let router = Self.echoRouter()
        #expect(try await router.respond(to: Self.request(.head, "/healthz")).status == .ok)
        let options = try await router.respond(to: Self.request(.options, "/v1/models"))
        #expect(options.status == .noContent)
        #expect(options.headers["Allow"] == "GET, HEAD, POST")
    }

    @Test func optionsAsteriskListsEveryMethod() async throws {
        let response = try await Self.echoRouter().respond(to: Self.request(.options, "*"))
        #expect(response.status == .noContent)
        #expect(response.headers["Allow"] == "DELETE, GET, HEAD, POST")
    }

    @Test func listsRoutesForContractTests() {
        let routes = Set(Self.echoRouter().routes.map { "\($0.method) \($0.template)" })
        #expect(
            routes == [
                "GET /v1/models", "POST /v1/models", "GET /v1/models/{m}", "DELETE /v1/models/{m}",
                "GET /v1/models/{m}/parameters/{path}", "GET /v1/models/special", "GET /healthz"
            ])
    }

    @Test func matchResolvesWithoutRunning() {
        let router = Self.echoRouter()
        #expect(router.match(.get, ["v1", "models", "a"]) == .found(template: "/v1/models/{m}", parameters: ["m": "a"]))
        #expect(router.match(.patch, ["v1", "models"]) == .methodNotAllowed(allowed: [.get, .head, .post]))
        #expect(router.match(.get, ["nope"]) == .notFound)
    }

    @Test func middlewareWrapsInOrderIncludingMisses() async throws {
        var router = Self.echoRouter()
        router.use(HTTPMiddleware(after: { _, response in response.headers.add("X-Order", "outer") }))
        router.use(HTTPMiddleware(after: { _, response in response.headers.add("X-Order", "inner") }))
        let hit = try await router.respond(to: Self.request(.get, "/healthz"))
        #expect(hit.headers.values("X-Order") == ["inner", "outer"])
        let miss = try await router.respond(to: Self.request(.get, "/missing"))
        #expect(miss.headers.values("X-Order") == ["inner", "outer"])
    }

    @Test func customNotFoundAndMethodNotAllowedResponses() async throws {
        var router = Self.echoRouter()
        router.notFound = { request in
            HTTPResponse(status: .notFound, contentType: "application/problem+json", body: Array(request.path.utf8))
        }
        router.methodNotAllowed = { _, allowed in .text(allowed.map(\.rawValue).joined(separator: "|"), status: .methodNotAllowed) }
        let missing = try await router.respond(to: Self.request(.get, "/x"))
        #expect(missing.headers["Content-Type"] == "application/problem+json")
        let wrong = try await router.respond(to: Self.request(.patch, "/healthz"))
        #expect(Self.body(wrong) == "GET|HEAD")
        #expect(wrong.headers["Allow"] == "GET, HEAD")
    }
}
