import Glibc
import Testing
import TestSupport
@testable import HTTP

/// Graceful shutdown: stop accepting, finish in-flight requests, close idle connections.
struct ServerShutdownTests {
    @Test func finishesInFlightRequestsAndClosesIdleConnections() async throws {
        // The in-flight request must be in its handler when shutdown begins: the test waits
        // for the handler to say so rather than guessing how long the server takes to get there.
        let handlerStarted = Flag()
        var router = testRouter()
        router.get("/held") { _ in
            handlerStarted.set()
            try await Task.sleep(for: .milliseconds(600))
            return .text("slept 600")
        }
        let server = HTTPServer(configuration: testConfiguration(), responder: router)
        let port = try server.start()
        let (inFlight, idle) = try await blocking { () -> (RawClient, RawClient) in
            let idle = try RawClient(port: port)
            #expect(try idle.exchange("GET /json HTTP/1.1\r\nHost: t\r\n\r\n").status == 200)
            let inFlight = try RawClient(port: port)
            try inFlight.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n")
            return (inFlight, idle)
        }
        try await waitUntil { handlerStarted.isSet }
        let start = ContinuousClock.now
        async let stopped: Void = server.shutdown(gracePeriod: .seconds(10))
        try await blocking {
            #expect(idle.serverClosed())
            let response = try inFlight.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "slept 600")
            #expect(response.headers["Connection"] == "close")
            #expect(inFlight.serverClosed())
        }
        await stopped
        let elapsed = ContinuousClock.now - start
        #expect(elapsed < .seconds(5))
        #expect(server.openConnections == 0)
        #expect(throws: TestClientError.self) { try RawClient(port: port) }
    }

    @Test func gracePeriodBoundsTheWait() async throws {
        let entered = Gate()
        let release = Gate()
        var router = testRouter()
        router.get("/held") { _ in
            entered.open()
            await release.wait()
            return .text("released")
        }
        let server = HTTPServer(configuration: testConfiguration(), responder: router)
        let port = try server.start()
        let client = try await blocking { () -> RawClient in
            let client = try RawClient(port: port)
            try client.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n")
            return client
        }
        await entered.wait()
        // The handler never finishes on its own: only the grace period ends the shutdown.
        await server.shutdown(gracePeriod: .milliseconds(300))
        try await blocking { #expect(client.serverClosed()) }
        release.open()
    }

    @Test func runReturnsAfterShutdown() async throws {
        let server = HTTPServer(configuration: testConfiguration(), responder: testRouter())
        async let running: Void = server.run()
        while server.port == nil { try await Task.sleep(for: .milliseconds(5)) }
        await server.shutdown(gracePeriod: .seconds(1))
        try await running
        #expect(server.port == nil)
        await server.shutdown()  // a second call returns at once
    }

    @Test func startTwiceIsRefused() async throws {
        let server = HTTPServer(configuration: testConfiguration(), responder: testRouter())
        try server.start()
        #expect(throws: HTTPServerError.alreadyStarted) { try server.start() }
        await server.shutdown()
    }

    @Test func portInUseIsReported() async throws {
        let first = HTTPServer(configuration: testConfiguration(), responder: testRouter())
        let port = try first.start()
        let second = HTTPServer(configuration: testConfiguration { $0.port = port }, responder: testRouter())
        #expect(throws: HTTPServerError.systemCallFailed(call: "bind", errno: EADDRINUSE)) { try second.start() }
        await first.shutdown()
    }
}

/// A streamed response cut off by shutdown tells its producer, which can stop.
struct ServerShutdownStreamTests {
    @Test func producerLearnsTheClientIsGoneAfterShutdown() async throws {
        let outcome = Locked<String?>(nil)
        let streaming = Gate()
        let ended = Gate()
        var router = Router()
        router.get("/forever") { _ in
            HTTPResponse(
                headers: ["Content-Type": "application/x-ndjson"],
                body: .stream { writer in
                    do {
                        for step in 0... {
                            try await writer.write("{\"step\":\(step)}\n")
                            streaming.open()
                            await Task.yield()
                        }
                    } catch {
                        outcome.withLock { $0 = "\(error)" }
                        ended.open()
                        throw error
                    }
                })
        }
        let server = HTTPServer(configuration: testConfiguration(), responder: router)
        let port = try server.start()
        let client = try await blocking { () -> RawClient in
            let client = try RawClient(port: port)
            try client.send("GET /forever HTTP/1.1\r\nHost: t\r\n\r\n")
            return client
        }
        await streaming.wait()
        await server.shutdown(gracePeriod: .milliseconds(200))
        await ended.wait()
        #expect(outcome.withLock { $0 } == "connectionClosed")
        _ = client
    }
}
