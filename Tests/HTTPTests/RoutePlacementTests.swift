import Glibc
import Testing
@testable import HTTP

/// Each route's placement, applied once by the router after matching: in place, a task on the
/// loop, a task on the pool, or by a cost estimate.
struct RoutePlacementTests {
    /// Where a dispatch decision sends the request, for comparing.
    enum Where: Equatable { case inPlace(String?), deferred, eventLoop, pool }

    static func place(_ router: Router, _ method: HTTPMethod, _ target: String) throws -> Where {
        switch try router.dispatch(RouterTests.request(method, target)) {
        case .answered(let response): .inPlace(response.status == .ok ? RouterTests.body(response) : "\(response.status.code)")
        case .deferred: .deferred
        case .onEventLoop: .eventLoop
        case .onPool: .pool
        }
    }

    @Test func theRouterAppliesEachRoutesPlacementAfterMatching() throws {
        var router = Router()
        router.inPlace(.get, "/now/{x}") { request in .text("now \(request.parameters["x"] ?? "?")") }
        router.get("/loop", placement: .eventLoop) { _ in .text("loop") }
        router.get("/pool") { _ in .text("pool") }
        router.post("/costed/{n}", placement: .byCost { request in .microseconds(Int(request.parameters["n"] ?? "") ?? 0) }) { _ in
            .text("costed")
        }
        let cost: HandlerPlacement = .byCost { request in .microseconds(Int(request.parameters["n"] ?? "") ?? 0) }
        router.deferred(.put, "/costed/{n}", placement: cost) { _, sink in sink.send(.text("deferred")) }
        #expect(try Self.place(router, .get, "/now/a%20b") == .inPlace("now a b"))
        #expect(try Self.place(router, .get, "/loop") == .eventLoop)
        #expect(try Self.place(router, .get, "/pool") == .pool)
        #expect(try Self.place(router, .post, "/costed/200") == .eventLoop)
        #expect(try Self.place(router, .post, "/costed/201") == .pool)
        // A deferred route on the loop takes its request in place; on the pool, in a task.
        #expect(try Self.place(router, .put, "/costed/200") == .deferred)
        #expect(try Self.place(router, .put, "/costed/201") == .pool)
        #expect(try Self.place(router, .get, "/nowhere") == .inPlace("404"))
        #expect(try Self.place(router, .delete, "/loop") == .inPlace("405"))
        router.inlineBudget = .microseconds(500)
        #expect(try Self.place(router, .post, "/costed/201") == .eventLoop)
    }

    @Test func inPlaceAnswersCarryTheirRoute() throws {
        var router = Router()
        router.inPlace(.get, "/now/{x}") { _ in .text("now") }
        guard case .answered(let response) = try router.dispatch(RouterTests.request(.get, "/now/a")) else {
            Issue.record("not answered in place")
            return
        }
        #expect(response.route == "/now/{x}")
    }

    @Test func middlewareWrapsTaskRoutesAndRouterAnswersButNotInPlaceRoutes() async throws {
        var router = Router()
        router.inPlace(.get, "/now") { _ in .text("now") }
        router.get("/later", placement: .eventLoop) { _ in .text("later") }
        router.use(HTTPMiddleware(after: { _, response in response.headers.set("Wrapped", "yes") }))
        #expect(try Self.place(router, .get, "/now") == .inPlace("now"))
        #expect(try await router.respond(to: RouterTests.request(.get, "/later")).headers["Wrapped"] == "yes")
        // The router's own answers go through the middleware without a task.
        #expect(try Self.place(router, .get, "/nowhere") == .deferred)
        #expect(try await router.respond(to: RouterTests.request(.get, "/nowhere")).headers["Wrapped"] == "yes")
        // Registered after the middleware: wrapped all the same.
        router.get("/after") { _ in .text("after") }
        #expect(try await router.respond(to: RouterTests.request(.get, "/after")).headers["Wrapped"] == "yes")
    }

    @Test func pipelinedImmediateAndTaskRequestsAreAnsweredInOrder() async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                // Many in one write: immediate answers must not recurse per request, and a task
                // route in between must not let later immediate answers overtake it.
                var requests: [String] = []
                for index in 0..<500 {
                    requests.append(
                        index % 100 == 50
                            ? "GET /slow?ms=20 HTTP/1.1\r\nHost: t\r\n\r\n" : "GET /immediate/\(index) HTTP/1.1\r\nHost: t\r\n\r\n")
                }
                try client.send(requests.joined())
                for index in 0..<500 {
                    let response = try client.readResponse()
                    #expect(response.text == (index % 100 == 50 ? "slept 20" : "now \(index)"))
                    #expect(response.headers["Request-Id"] != nil)
                }
            }
        }
    }

    @Test func inPlaceRoutesReadBodiesStreamAndReport500s() async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                let echoed = try client.exchange("POST /immediate-echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
                #expect(echoed.text == "hello")
                let streamed = try client.exchange("GET /immediate-stream HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(streamed.text == "{\"step\":0}\n{\"step\":1}\n{\"step\":2}\n")
                #expect(try client.exchange("GET /immediate-throws HTTP/1.1\r\nHost: t\r\n\r\n").status == 500)
                #expect(try client.exchange("GET /immediate/x HTTP/1.1\r\nHost: t\r\n\r\n").text == "now x")
            }
        }
    }
}

/// Pipelined requests whose tasks run on the event loop are not left waiting for a wake-up.
struct EventLoopPipeliningTests {
    @Test func pipelinedTaskRequestsOnTheLoopAreAnsweredPromptly() async throws {
        // A tiny write buffer makes the connection stop after each response and go on only
        // once that response is flushed, at the end of the loop's turn.
        let configuration = testConfiguration {
            $0.limits.writeBufferHighWater = 1
        }
        var router = Router()
        router.get("/json", placement: .eventLoop) { _ in .text("{}") }
        try await withServer(configuration, router: router) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                let count = 50
                let started = ContinuousClock.now
                try client.send(String(repeating: "GET /json HTTP/1.1\r\nHost: t\r\n\r\n", count: count))
                for _ in 0..<count { #expect(try client.readResponse().status == 200) }
                // A request left in the loop's inbox until the next 100 ms poll timeout would
                // make this take 5 s; answered at once it takes milliseconds.
                #expect(ContinuousClock.now - started < .milliseconds(2500))
            }
        }
    }
}

/// Errors that escape a handler reach the server's failure hook (for the log) with the request's
/// id, wherever the handler ran; the client sees a 500 or a truncated stream without details.
struct HandlerFailureTests {
    struct Boom: Error {}

    @Test func errorsThatEscapeHandlersAndStreamsReachTheFailureHook() async throws {
        var router = Router()
        router.inPlace(.get, "/in-place") { _ in throw Boom() }
        router.get("/pool") { _ in throw Boom() }
        router.get("/loop", placement: .eventLoop) { _ in throw Boom() }
        router.get("/stream") { _ in
            HTTPResponse(
                headers: ["Content-Type": "text/plain"],
                body: .stream { writer in
                    try await writer.write("partial")
                    throw Boom()
                })
        }
        let failures = Locked<[String]>([])
        var hooks = HTTPServerHooks()
        hooks.handlerFailed = { id, error in
            if error is Boom { failures.withLock { $0.append(id) } }
        }
        try await withServer(hooks: hooks, router: router) { _, port in
            try await blocking {
                for path in ["/in-place", "/pool", "/loop"] {
                    let client = try RawClient(port: port)
                    let response = try client.exchange("GET \(path) HTTP/1.1\r\nHost: t\r\nRequest-Id: id\(path)\r\n\r\n")
                    #expect(response.status == 500)
                }
                let client = try RawClient(port: port)
                try client.send("GET /stream HTTP/1.1\r\nHost: t\r\nRequest-Id: id/stream\r\n\r\n")
                // The producer failed: the connection closes without the last chunk.
                #expect(throws: (any Error).self) { try client.readResponse() }
            }
        }
        #expect(failures.withLock { $0 }.sorted() == ["id/in-place", "id/loop", "id/pool", "id/stream"])
    }
}
