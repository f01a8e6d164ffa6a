import Glibc
import TestSupport
import Testing
@testable import HTTP

/// Deferred routes over real sockets: the request is taken on the event loop without a task, and
/// its answer comes back through its sink — at once, at the end of the loop's turn, or later from
/// another thread.
struct DeferredRouteTests {
    /// Sinks a route took and has not answered, for the test to answer.
    final class Held: Sendable {
        private let sinks = Locked<[HTTPResponseSink]>([])
        func add(_ sink: HTTPResponseSink) { sinks.withLock { $0.append(sink) } }
        var count: Int { sinks.withLock { $0.count } }
        func take() -> [HTTPResponseSink] {
            sinks.withLock { sinks in
                defer { sinks = [] }; return sinks
            }
        }
    }

    static func router(held: Held, tasks: Locked<[String: Bool]>) -> Router {
        var router = Router()
        router.deferred(.get, "/now/{n}") { request, sink in
            tasks.withLock { $0["loop"] = withUnsafeCurrentTask { $0 != nil } }
            sink.send(.text("now \(request.parameters["n"] ?? "")"))
        }
        router.deferred(.get, "/turn/{n}") { request, sink in
            sink.afterTurn { sink.send(.text("turn \(request.parameters["n"] ?? "")")) }
        }
        router.deferred(.get, "/held") { _, sink in held.add(sink) }
        router.deferred(.get, "/pool", placement: .concurrencyPool) { _, sink in
            tasks.withLock { $0["pool"] = withUnsafeCurrentTask { $0 != nil } }
            sink.send(.text("pool"))
        }
        router.deferred(.get, "/fails") { _, sink in sink.fail(HTTPServerError.connectionClosed) }
        return router
    }

    @Test func answersSentAtOnceAtTheEndOfTheTurnAndFromAnotherThreadArriveInOrder() async throws {
        let held = Held()
        let tasks = Locked<[String: Bool]>([:])
        try await withServer(router: Self.router(held: held, tasks: tasks)) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                // Pipelined, so most are read in one turn: answers sent while the loop dispatches
                // and at the end of its turn must keep the requests' order.
                var requests = ""
                for index in 0..<300 { requests += "GET /\(index % 3 == 0 ? "turn" : "now")/\(index) HTTP/1.1\r\nHost: t\r\n\r\n" }
                try client.send(requests)
                for index in 0..<300 {
                    let response = try client.readResponse()
                    #expect(response.text == "\(index % 3 == 0 ? "turn" : "now") \(index)")
                    #expect(response.headers["Request-Id"] != nil)
                }
                #expect(try client.exchange("GET /pool HTTP/1.1\r\nHost: t\r\n\r\n").text == "pool")
            }
            // Held until this test thread answers it.
            let client = try RawClient(port: port)
            try await blocking { try client.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n") }
            try await waitUntil { held.count == 1 }
            for sink in held.take() { sink.send(.text("later")) }
            #expect(try await blocking { try client.readResponse() }.text == "later")
        }
        // On the loop the handler ran in place, with no task; on the pool in one.
        #expect(tasks.withLock { $0 } == ["loop": false, "pool": true])
    }

    /// The server learns that a client left only when it reads the end of the stream or fails to
    /// write to it: the answer sent after the client closed ends the connection, nothing is left open.
    @Test func aClientThatLeavesBeforeItsAnswerIsForgottenAndTheServerGoesOn() async throws {
        let held = Held()
        try await withServer(router: Self.router(held: held, tasks: Locked([:]))) { server, port in
            do {
                let client = try RawClient(port: port)
                try await blocking { try client.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n") }
                try await waitUntil { held.count == 1 }
            }  // the client closes here
            for sink in held.take() { sink.send(.text("too late")) }
            try await waitUntil { server.openConnections == 0 }
            let client = try RawClient(port: port)
            #expect(try await blocking { try client.exchange("GET /now/1 HTTP/1.1\r\nHost: t\r\n\r\n") }.text == "now 1")
        }
    }

    /// A sink is one-shot by the mechanism, not only by contract: called again once its request
    /// is answered, it must not answer the connection's next (pipelined) request.
    @Test func aSinkCalledTwiceNeverAnswersTheNextRequest() async throws {
        let held = Held()
        try await withServer(router: Self.router(held: held, tasks: Locked([:]))) { _, port in
            let client = try RawClient(port: port)
            try await blocking { try client.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\nGET /held HTTP/1.1\r\nHost: t\r\n\r\n") }
            try await waitUntil { held.count == 1 }
            let first = held.take()[0]
            first.send(.text("first"))
            #expect(try await blocking { try client.readResponse() }.text == "first")
            try await waitUntil { held.count == 1 }  // the second request now waits for its own sink
            first.send(.text("stale"))
            first.fail(HTTPServerError.connectionClosed)
            for sink in held.take() { sink.send(.text("second")) }
            #expect(try await blocking { try client.readResponse() }.text == "second")
        }
    }

    @Test func aFailureSentThroughTheSinkIsA500ReportedWithTheRequestID() async throws {
        let failures = Locked<[String]>([])
        var hooks = HTTPServerHooks()
        hooks.handlerFailed = { id, _ in failures.withLock { $0.append(id) } }
        try await withServer(hooks: hooks, router: Self.router(held: Held(), tasks: Locked([:]))) { _, port in
            let client = try RawClient(port: port)
            let response = try await blocking { try client.exchange("GET /fails HTTP/1.1\r\nHost: t\r\nRequest-Id: f1\r\n\r\n") }
            #expect(response.status == 500)
        }
        #expect(failures.withLock { $0 } == ["f1"])
    }

    /// The middleware's halves run around a deferred route as around a task route: `before` in
    /// place, `after` on the response wherever it is sent; one that waits continues in a task.
    @Test func middlewareRunsAroundDeferredRoutesAndOneThatWaitsContinuesInATask() async throws {
        let gate = Gate()
        var router = Router()
        router.deferred(.get, "/d/{n}") { request, sink in
            let inTask = withUnsafeCurrentTask { $0 != nil }
            sink.afterTurn { sink.send(.text("\(request.parameters["n"] ?? "") task=\(inTask)")) }
        }
        router.use(HTTPMiddleware(after: { _, response in response.headers.add("X-Order", "outer") }))
        router.use(
            HTTPMiddleware(
                before: { request in
                    switch request.parameters["n"] {
                    case "refused": return .answer(.text("refused", status: .forbidden))
                    case "gated":
                        return .wait {
                            await gate.wait(); return nil
                        }
                    default: return .proceed
                    }
                },
                after: { _, response in response.headers.add("X-Order", "inner") }))
        try await withServer(router: router) { _, port in
            let plain = try await blocking { try RawClient(port: port).exchange("GET /d/1 HTTP/1.1\r\nHost: t\r\n\r\n") }
            #expect(plain.text == "1 task=false")
            #expect(plain.headers.values("X-Order") == ["inner", "outer"])
            let refused = try await blocking { try RawClient(port: port).exchange("GET /d/refused HTTP/1.1\r\nHost: t\r\n\r\n") }
            #expect(refused.status == 403)
            #expect(refused.headers.values("X-Order") == ["outer"])
            let client = try RawClient(port: port)
            try await blocking { try client.send("GET /d/gated HTTP/1.1\r\nHost: t\r\n\r\n") }
            gate.open()
            let gated = try await blocking { try client.readResponse() }
            #expect(gated.text == "gated task=true")
            #expect(gated.headers.values("X-Order") == ["inner", "outer"])
        }
    }
}
