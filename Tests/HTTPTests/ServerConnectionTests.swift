import Glibc
import Testing
@testable import HTTP

/// Requests over real loopback sockets: keep-alive, pipelining, HTTP/1.0, bodies, 100-continue.
struct ServerConnectionTests {
    @Test func servesSeveralRequestsOnOneKeptAliveConnection() async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                for _ in 0..<3 {
                    let response = try client.exchange("GET /json HTTP/1.1\r\nHost: t\r\n\r\n")
                    #expect(response.status == 200)
                    #expect(response.text == #"{"message":"Hello, World!"}"#)
                    #expect(response.headers["Connection"] == nil)
                    #expect(response.headers["Date"]?.hasSuffix(" GMT") == true)
                    #expect(response.headers["Content-Type"] == "application/json")
                }
            }
        }
    }

    @Test func answersPipelinedRequestsInOrderEvenWhenEarlierOnesAreSlower() async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                let delays = [60, 0, 30, 0, 10]
                try client.send(delays.map { "GET /slow?ms=\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined())
                for delay in delays {
                    #expect(try client.readResponse().text == "slept \(delay)")
                }
            }
        }
    }

    @Test func http10ClosesUnlessKeepAliveIsAsked() async throws {
        try await withServer { _, port in
            try await blocking {
                let plain = try RawClient(port: port)
                let response = try plain.exchange("GET /json HTTP/1.0\r\n\r\n")
                #expect(response.status == 200)
                #expect(response.headers["Connection"] == "close")
                #expect(plain.serverClosed())

                let kept = try RawClient(port: port)
                let first = try kept.exchange("GET /json HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                #expect(first.headers["Connection"] == "keep-alive")
                #expect(try kept.exchange("GET /json HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").status == 200)
            }
        }
    }

    @Test func connectionCloseIsHonoured() async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                let response = try client.exchange("GET /json HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                #expect(response.headers["Connection"] == "close")
                #expect(client.serverClosed())
            }
        }
    }

    @Test func answersARequestSentBeforeAHalfClose() async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                try client.send("GET /json HTTP/1.1\r\nHost: t\r\n\r\n")
                client.shutdownWrite()
                #expect(try client.readResponse().status == 200)
                #expect(client.serverClosed())
            }
        }
    }

    @Test func reassemblesChunkedUploadsWithTrailers() async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
                for piece in ["4;ext=1\r\nWiki\r\n", "5\r\npedia\r\n", "E\r\n in\r\n\r\nchunks.\r\n", "0\r\nX-Sum: 1\r\n\r\n"] {
                    try client.send(piece)
                }
                #expect(try client.readResponse().text == "Wikipedia in\r\n\r\nchunks.")
                // The connection stays usable after a chunked body.
                #expect(try client.exchange("GET /json HTTP/1.1\r\nHost: t\r\n\r\n").status == 200)
            }
        }
    }

    /// A read boundary inside a chunk-size line or a trailer once made the loop spin on the same
    /// bytes at 100 % CPU; each piece here ends mid-line and arrives after the server has read the last.
    @Test func waitsForTheRestOfACutChunkSizeLine() async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
                for piece in ["1", "0\r\n0123456789abcdef\r\n", "0\r\nX-", "Sum: 1\r", "\n\r\n"] {
                    try client.send(piece)
                    usleep(30_000)
                }
                #expect(try client.readResponse().text == "0123456789abcdef")
                #expect(try client.exchange("GET /json HTTP/1.1\r\nHost: t\r\n\r\n").status == 200)
            }
        }
    }

    @Test func sends100ContinueBeforeReadingTheBody() async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                try client.send("PUT /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
                #expect(try client.readResponse().status == 100)
                try client.send("hello")
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.text == "hello")
            }
        }
    }

    @Test func headHookAnswersWithout100AndWithoutReadingTheBody() async throws {
        var hooks = HTTPServerHooks()
        hooks.headReceived = { head in
            head.headers["Authorization"] == nil ? .respond(.text("token required\n", status: .unauthorized)) : .proceed
        }
        try await withServer(hooks: hooks) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                try client.send("PUT /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 1048576\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 401)
                #expect(response.headers["Connection"] == "close")
                #expect(client.serverClosed())

                let authorized = try RawClient(port: port)
                try authorized.send(
                    "PUT /echo HTTP/1.1\r\nHost: t\r\nAuthorization: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
                #expect(try authorized.readResponse().status == 100)
                try authorized.send("ok")
                #expect(try authorized.readResponse().text == "ok")
            }
        }
    }

    @Test func headHookCanLowerTheBodyLimitPerRequest() async throws {
        var hooks = HTTPServerHooks()
        hooks.headReceived = { head in head.path == "/echo" ? .proceedWithBodyLimit(4) : .proceed }
        try await withServer(hooks: hooks) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                #expect(try client.exchange("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello").status == 413)
                let chunked = try RawClient(port: port)
                try chunked.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n")
                #expect(try chunked.readResponse().status == 413)
            }
        }
    }

    @Test func headResponsesCarryLengthButNoBody() async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                let head = try client.exchange("HEAD /json HTTP/1.1\r\nHost: t\r\n\r\n", forHead: true)
                #expect(head.status == 200)
                #expect(head.headers["Content-Length"] == "27")
                #expect(head.body.isEmpty)
                // Had a body been sent, this response would be misread.
                #expect(try client.exchange("GET /json HTTP/1.1\r\nHost: t\r\n\r\n").body.count == 27)
            }
        }
    }

    @Test func echoesOrMakesRequestIds() async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                let given = try client.exchange("GET /json HTTP/1.1\r\nHost: t\r\nRequest-Id: abc-123\r\n\r\n")
                #expect(given.headers["Request-Id"] == "abc-123")
                let first = try client.exchange("GET /json HTTP/1.1\r\nHost: t\r\n\r\n").headers["Request-Id"]
                let second = try client.exchange("GET /json HTTP/1.1\r\nHost: t\r\nRequest-Id: bad id with spaces\r\n\r\n").headers[
                    "Request-Id"]
                #expect(first != nil && second != nil && first != second)
                #expect(second != "bad id with spaces")
            }
        }
    }

    @Test func reportsEachCompletedRequestToTheHook() async throws {
        let summaries = Locked<[HTTPRequestSummary]>([])
        var hooks = HTTPServerHooks()
        hooks.requestCompleted = { summary in summaries.withLock { $0.append(summary) } }
        try await withServer(hooks: hooks) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                _ = try client.exchange("GET /path/a%20b?x=1 HTTP/1.1\r\nHost: t\r\nRequest-Id: r1\r\n\r\n")
                _ = try client.exchange("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc")
                _ = try client.exchange("GET /nope HTTP/1.1\r\nHost: t\r\n\r\n")
            }
        }
        let recorded = summaries.withLock { $0 }
        #expect(recorded.count == 3)
        guard recorded.count == 3 else { return }
        #expect(recorded[0].id == "r1")
        #expect(recorded[0].route == "/path/{name}")
        #expect(recorded[0].method == .get)
        #expect(recorded[0].status == .ok)
        #expect(recorded[0].target == "/path/a%20b?x=1")
        #expect(recorded[1].route == "/echo")
        #expect(recorded[1].bytesIn == 54)
        #expect(recorded[1].bytesOut > 3)
        #expect(recorded[2].route == nil)
        #expect(recorded[2].status == .notFound)
        #expect(recorded.allSatisfy { $0.completed && $0.duration > .zero && $0.remoteAddress.hasPrefix("127.0.0.1:") })
    }

    @Test func streamsChunkedBodies() async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                let response = try client.exchange("GET /stream?n=4 HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(response.headers["Transfer-Encoding"] == "chunked")
                #expect(response.headers["Content-Length"] == nil)
                #expect(response.text == "{\"step\":0}\n{\"step\":1}\n{\"step\":2}\n{\"step\":3}\n")
                #expect(try client.exchange("GET /json HTTP/1.1\r\nHost: t\r\n\r\n").status == 200)

                let old = try RawClient(port: port)
                let closeDelimited = try old.exchange("GET /stream?n=2 HTTP/1.0\r\n\r\n")
                #expect(closeDelimited.headers["Connection"] == "close")
                #expect(closeDelimited.text == "{\"step\":0}\n{\"step\":1}\n")
            }
        }
    }

    @Test func slowHandlersDoNotStallOtherConnections() async throws {
        try await withServer { _, port in
            try await blocking {
                let slow = try RawClient(port: port, timeoutSeconds: 30)
                try slow.send("GET /slow?ms=6000 HTTP/1.1\r\nHost: t\r\n\r\n")
                let fast = try RawClient(port: port)
                for _ in 0..<10 { #expect(try fast.exchange("GET /json HTTP/1.1\r\nHost: t\r\n\r\n").status == 200) }
                // All ten answered while the slow handler still sleeps: its answer is not there yet.
                // (An order, not a wall-clock bound: other suites may hold the pool for seconds.)
                var pending = pollfd(fd: slow.fd, events: Int16(POLLIN), revents: 0)
                #expect(poll(&pending, 1, 0) == 0, "the slow response arrived before the fast ones finished")
                #expect(try slow.readResponse().text == "slept 6000")
            }
        }
    }

    @Test func servesOverIPv6Loopback() async throws {
        let server = HTTPServer(configuration: testConfiguration { $0.host = "::1" }, responder: testRouter())
        guard let port = try? server.start() else { return }  // a host without IPv6 loopback
        try await blocking {
            let client = try RawClient(port: port, host: "::1")
            #expect(try client.exchange("GET /json HTTP/1.1\r\nHost: [::1]\r\n\r\n").status == 200)
        }
        await server.shutdown()
    }

    /// A route's placement really decides the thread: with one loop, an event-loop task runs
    /// on the thread that calls in-place handlers (the loop's), a pool task elsewhere.
    @Test func eachPlacementRunsOnItsThread() async throws {
        let threads = Locked<[String: pthread_t]>([:])
        var router = Router()
        router.inPlace(.get, "/in-place") { _ in
            threads.withLock { $0["in-place"] = pthread_self() }
            return .text("ok")
        }
        router.get("/loop", placement: .eventLoop) { _ in
            threads.withLock { $0["loop"] = pthread_self() }
            return .text("ok")
        }
        router.get("/pool") { _ in
            threads.withLock { $0["pool"] = pthread_self() }
            return .text("ok")
        }
        try await withServer(testConfiguration { $0.eventLoopCount = 1 }, router: router) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                for path in ["/in-place", "/loop", "/pool"] {
                    #expect(try client.exchange("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n").status == 200)
                }
            }
        }
        let seen = threads.withLock { $0 }
        let loop = try #require(seen["in-place"])
        #expect(seen["loop"].map { pthread_equal($0, loop) != 0 } == true)
        #expect(seen["pool"].map { pthread_equal($0, loop) == 0 } == true)
    }

    @Test func runsHandlersOnTheEventLoopWhenAsked() async throws {
        var router = Router()
        router.get("/slow", placement: .eventLoop) { request in
            try await Task.sleep(for: .milliseconds(Int(request.queryValue("ms") ?? "") ?? 0))
            return .text("slept \(request.queryValue("ms") ?? "")")
        }
        router.get("/stream", placement: .eventLoop) { _ in
            HTTPResponse(
                headers: ["Content-Type": "application/x-ndjson"],
                body: .stream { writer in
                    for step in 0..<2 { try await writer.write("{\"step\":\(step)}\n") }
                })
        }
        try await withServer(router: router) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                try client.send("GET /slow?ms=20 HTTP/1.1\r\nHost: t\r\n\r\nGET /stream?n=2 HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try client.readResponse().text == "slept 20")
                #expect(try client.readResponse().text == "{\"step\":0}\n{\"step\":1}\n")
            }
        }
    }
}
