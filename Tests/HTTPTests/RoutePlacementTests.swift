import Glibc
import Testing
@testable import HTTP

/// Immediate routes run in place on the event loop and behave like any other route on the wire.
struct ImmediateRouteTests {
    @Test func routerAnswersImmediateRoutes404And405InPlaceAndLeavesTaskRoutesToTasks() throws {
        var router = Router()
        router.immediate(.get, "/now/{x}") { request in .text("now \(request.parameters["x"] ?? "?")") }
        router.get("/later") { _ in .text("later") }
        let now = try router.respondImmediately(to: RouterTests.request(.get, "/now/a%20b"))
        #expect(now.map(RouterTests.body) == "now a b")
        #expect(now?.route == "/now/{x}")
        #expect(try router.respondImmediately(to: RouterTests.request(.get, "/later")) == nil)
        #expect(try router.respondImmediately(to: RouterTests.request(.get, "/nowhere"))?.status == .notFound)
        let wrongMethod = try router.respondImmediately(to: RouterTests.request(.delete, "/later"))
        #expect(wrongMethod?.status == .methodNotAllowed)
        #expect(wrongMethod?.headers["Allow"] == "GET, HEAD")
    }

    @Test func immediateRoutesStillAnswerThroughRespond() async throws {
        var router = Router()
        router.immediate(.get, "/now") { _ in .text("now") }
        #expect(RouterTests.body(try await router.respond(to: RouterTests.request(.get, "/now"))) == "now")
    }

    @Test func middlewareSendsEveryRequestToATask() throws {
        var router = Router()
        router.immediate(.get, "/now") { _ in .text("now") }
        router.use { request, next in try await next(request) }
        #expect(try router.respondImmediately(to: RouterTests.request(.get, "/now")) == nil)
    }

    @Test func pipelinedImmediateAndTaskRequestsAreAnsweredInOrder() async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                // Many in one write: immediate answers must not recurse per request, and a task
                // route in between must not let later immediate answers overtake it.
                var requests: [String] = []
                for index in 0..<500 {
                    requests.append(index % 100 == 50 ? "GET /slow?ms=20 HTTP/1.1\r\nHost: t\r\n\r\n" : "GET /immediate/\(index) HTTP/1.1\r\nHost: t\r\n\r\n")
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

    @Test func immediateRoutesReadBodiesStreamAndReport500s() async throws {
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
            $0.handlerPlacement = .eventLoop
            $0.limits.writeBufferHighWater = 1
        }
        try await withServer(configuration) { _, port in
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
