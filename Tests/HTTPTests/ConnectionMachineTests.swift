import Testing
@testable import HTTP

/// The connection's HTTP logic driven without sockets or sleeps (``MachineDriver``): requests cut
/// at every byte, every malformed input of the parser's table, every deadline on a fake clock.
struct ConnectionMachineTests {
    static let get = "GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n"
    static let post = "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
    static let chunked = "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: v\r\n\r\n"
    static let pipelined = get + post + chunked

    /// What a driver saw, reduced to comparable values.
    static func outcome(_ driver: MachineDriver) -> [String] {
        driver.dispatched.map { "\($0.method) \($0.target) \(String(decoding: $0.body, as: UTF8.self)) \($0.trailers.count)" }
    }

    @Test func pipelinedRequestsAreAnsweredInOrderAndKeptAlive() {
        var driver = MachineDriver()
        driver.receive(Self.pipelined)
        #expect(Self.outcome(driver) == ["GET /a?x=1  0", "POST /b hello 0", "PUT /c abcde 1"])
        #expect(driver.statuses == [200, 200, 200])
        #expect(driver.completed.map(\.bytesIn) == [Self.get.utf8.count, Self.post.utf8.count, Self.chunked.utf8.count])
        #expect(driver.completed.allSatisfy { $0.completed && $0.remoteAddress == "192.0.2.1:4000" })
        #expect(!driver.isClosed)
        #expect(driver.machine.isWaitingForRequest)
    }

    @Test func everySplitPointGivesTheSameRequests() {
        let bytes = Array(Self.pipelined.utf8)
        for split in 1..<bytes.count {
            var driver = MachineDriver()
            driver.receive(bytes, splitAt: [split])
            #expect(Self.outcome(driver) == ["GET /a?x=1  0", "POST /b hello 0", "PUT /c abcde 1"], "split at \(split)")
        }
    }

    @Test func everyPairOfSplitPointsGivesTheSameRequests() {
        let bytes = Array((Self.post + Self.chunked).utf8)
        for first in 1..<bytes.count {
            for second in stride(from: first + 1, to: bytes.count, by: 3) {
                var driver = MachineDriver()
                driver.receive(bytes, splitAt: [first, second])
                #expect(Self.outcome(driver) == ["POST /b hello 0", "PUT /c abcde 1"], "splits at \(first), \(second)")
            }
        }
    }

    @Test func oneByteAtATimeGivesTheSameRequests() {
        let bytes = Array(Self.pipelined.utf8)
        var driver = MachineDriver()
        driver.receive(bytes, splitAt: Array(1..<bytes.count))
        #expect(Self.outcome(driver) == ["GET /a?x=1  0", "POST /b hello 0", "PUT /c abcde 1"])
    }

    @Test(arguments: ParserMalformedTests.cases)
    func malformedInputGetsItsStatusThenACloseAfterLingering(_ malformed: ParserMalformedTests.Case) {
        for pieces in [[malformed.raw], malformed.raw.map { [$0] }] {
            var driver = MachineDriver(limits: malformed.limits)
            for piece in pieces where !driver.shutDownWriting { driver.receive(piece) }
            #expect(driver.errors.count == 1)
            #expect(driver.errors.first?.1 == malformed.error)
            #expect(driver.statuses == [malformed.error.status.code])
            #expect(driver.responses.first?.contains("Connection: close\r\n") == true)
            #expect(driver.shutDownWriting && !driver.isClosed)
            // Lingering: what still arrives is discarded until the peer closes.
            driver.receive("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(driver.dispatched.isEmpty)
            driver.peerCloses()
            #expect(driver.isClosed)
        }
    }

    // MARK: Deadlines

    @Test func aHeadThatStallsGets408AtTheHeadDeadlineAndTricklingDoesNotExtendIt() {
        var timeouts = HTTPTimeouts()
        timeouts.head = .seconds(15)
        var driver = MachineDriver(timeouts: timeouts)
        driver.receive("GET / HTTP/1.1\r\n")
        for _ in 0..<14 {
            driver.advance(by: .seconds(1))
            driver.receive("X: y\r\n")
        }
        #expect(driver.statuses.isEmpty)
        driver.advance(by: .milliseconds(1_100))
        #expect(driver.statuses == [408])
        #expect(driver.errors.first?.0 == .requestTimeout)
        driver.advance(by: .milliseconds(2_100))
        #expect(driver.isClosed)
    }

    @Test func aSilentNewConnectionClosesAtTheHeadDeadlineWithoutAResponse() {
        var driver = MachineDriver()
        driver.advance(by: .seconds(15))
        #expect(!driver.isClosed)
        driver.advance(by: .milliseconds(1))
        #expect(driver.isClosed && driver.written.isEmpty)
    }

    @Test func anIdleKeptAliveConnectionClosesAtTheIdleDeadline() {
        var driver = MachineDriver()
        driver.receive(Self.get)
        driver.advance(by: .seconds(59))
        #expect(!driver.isClosed)
        driver.receive(Self.get)
        driver.advance(by: .seconds(59))
        #expect(!driver.isClosed)
        driver.advance(by: .seconds(2))
        #expect(driver.isClosed)
        #expect(driver.statuses == [200, 200])
    }

    @Test func aBodyThatStallsGets408AtTheBodyDeadlineWhileProgressKeepsItAlive() {
        var driver = MachineDriver()
        driver.receive("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n")
        for _ in 0..<10 {
            driver.advance(by: .seconds(29))
            driver.receive("x")
        }
        #expect(driver.statuses.isEmpty)
        driver.advance(by: .seconds(31))
        #expect(driver.statuses == [408])
        #expect(driver.completed.first?.bytesIn == 10 + "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n".utf8.count)
    }

    @Test func aLingeringCloseEndsAtItsDeadline() {
        var driver = MachineDriver()
        driver.receive("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: x\r\n\r\n")
        #expect(driver.shutDownWriting && !driver.isClosed)
        driver.advance(by: .milliseconds(1_900))
        #expect(!driver.isClosed)
        driver.advance(by: .milliseconds(200))
        #expect(driver.isClosed)
    }

    @Test func aClientThatDoesNotReadItsResponseIsDroppedAtTheWriteDeadline() {
        var driver = MachineDriver()
        driver.socketAccepts = false
        driver.receive(Self.get)
        #expect(driver.machine.pendingOutput > 0)
        driver.advance(by: .seconds(30))
        #expect(!driver.isClosed)
        driver.advance(by: .milliseconds(1))
        #expect(driver.isClosed)
    }

    @Test func aTLSHandshakeThatStallsClosesAtTheHeadDeadline() {
        var driver = MachineDriver(isTLS: true)
        #expect(driver.machine.isWaitingForRequest)
        driver.advance(by: .seconds(16))
        #expect(driver.isClosed)
        var finished = MachineDriver(isTLS: true)
        finished.perform(finished.machine.handshakeFinished(now: finished.now))
        finished.receive(Self.get)
        #expect(finished.statuses == [200])
    }

    // MARK: Keep-alive, close, half-close, drain

    @Test func connectionCloseAndHTTP10CloseAfterTheOutputDrains() {
        for request in ["GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", "GET / HTTP/1.0\r\n\r\n"] {
            var driver = MachineDriver()
            driver.socketAccepts = false
            driver.receive(request)
            #expect(!driver.isClosed)
            driver.clientReads()
            #expect(driver.isClosed && !driver.shutDownWriting)
            #expect(driver.responses.first?.contains("Connection: close\r\n") == true)
        }
        var keepAlive = MachineDriver()
        keepAlive.receive("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(!keepAlive.isClosed && keepAlive.responses.first?.contains("Connection: keep-alive\r\n") == true)
    }

    @Test func pipelinedRequestsWaitWhileTheClientDoesNotRead() {
        var limits = HTTPLimits()
        limits.writeBufferHighWater = 10
        var driver = MachineDriver(limits: limits)
        driver.socketAccepts = false
        driver.receive(Self.get + Self.get + Self.get)
        #expect(driver.dispatched.count == 1)
        #expect(!driver.machine.wantsInput || driver.machine.unreadCount < ConnectionMachine.inputHighWater)
        driver.clientReads()
        #expect(driver.dispatched.count == 3)
    }

    @Test func requestsSentBeforeAHalfCloseAreAnsweredThenTheConnectionCloses() {
        var driver = MachineDriver()
        driver.receive(Self.get + Self.get)
        driver.peerCloses()
        #expect(driver.statuses == [200, 200])
        #expect(driver.isClosed)
    }

    @Test func aHalfCloseInsideAHeadClosesAndInsideABodyIs400() {
        var head = MachineDriver()
        head.receive("GET / HT")
        head.peerCloses()
        #expect(head.isClosed && head.written.isEmpty)
        var body = MachineDriver()
        body.receive("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\nabc")
        body.peerCloses()
        #expect(body.statuses == [400])
        #expect(body.errors.first?.1 == .incompleteBody)
        #expect(body.dispatched.isEmpty && body.isClosed)
    }

    @Test func drainingClosesAnIdleConnectionAndEndsABusyOneAfterItsResponse() {
        var idle = MachineDriver()
        idle.receive(Self.get)
        idle.perform(idle.machine.drain(now: idle.now))
        #expect(idle.isClosed)
        var busy = MachineDriver()
        busy.respond = nil
        busy.receive(Self.get)
        busy.perform(busy.machine.drain(now: busy.now))
        #expect(!busy.isClosed)
        busy.answer(.text("late"))
        #expect(busy.responses.first?.contains("Connection: close\r\n") == true)
        #expect(busy.isClosed)
    }

    // MARK: Hooks, plans, 100-continue

    @Test func continueIsSentBeforeTheBodyAndNeverAfterARefusal() {
        var driver = MachineDriver()
        driver.receive("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        #expect(String(decoding: driver.written, as: UTF8.self) == "HTTP/1.1 100 Continue\r\n\r\n")
        driver.receive("ok")
        #expect(Self.outcome(driver) == ["POST / ok 0"])
        var refused = MachineDriver(headReceived: { _ in .respond(.text("no", status: HTTPStatus(code: 401))) })
        refused.receive("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        #expect(refused.statuses == [401])
        #expect(!String(decoding: refused.written, as: UTF8.self).contains("100 Continue"))
        #expect(refused.shutDownWriting && refused.dispatched.isEmpty)
    }

    @Test func theHeadHookLowersTheBodyLimitAndBadEncodingsAreRefused() {
        var limited = MachineDriver(headReceived: { _ in .proceedWithBodyLimit(3) })
        limited.receive("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nabcd")
        #expect(limited.statuses == [413])
        var encoded = MachineDriver()
        encoded.receive("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Encoding: br\r\n\r\nx")
        #expect(encoded.statuses == [415])
    }

    @Test func aPlannedBodyIsReadIntoItsDestinationFromBufferedInputAndDirectReads() throws {
        let destination = ServerBodyDestinationTests.Destination(byteCount: 10)
        var driver = MachineDriver(bodyPlan: { _ in .into(destination) })
        driver.receive("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123")
        let target = try #require(driver.machine.bodyReadTarget)
        #expect(target.offset == 4 && target.destination === destination)
        destination.withUnsafeMutableBytes { bytes in
            for (index, byte) in "456789".utf8.enumerated() { bytes[4 + index] = byte }
        }
        driver.perform(driver.machine.receivedIntoBody(6, now: driver.now))
        #expect(driver.dispatched.count == 1)
        #expect(driver.dispatched.first?.bodyDestination === destination)
        #expect(String(decoding: destination.bytes, as: UTF8.self) == "0123456789")
        #expect(driver.machine.bodyReadTarget == nil)
    }

    @Test func aPlanThatRefusesOrGivesTheWrongSizeAnswersWithoutReading() {
        var refused = MachineDriver(bodyPlan: { _ in .refuse(.text("too big for you", status: HTTPStatus(code: 422))) })
        refused.receive("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n")
        #expect(refused.statuses == [422] && refused.shutDownWriting)
        var wrong = MachineDriver(bodyPlan: { _ in .into(ServerBodyDestinationTests.Destination(byteCount: 3)) })
        wrong.receive("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n")
        #expect(wrong.statuses == [500] && wrong.dispatched.isEmpty)
    }

    // MARK: Streams and closing mid-request

    @Test func aStreamIsChunkedAndEndsWithTheLastChunk() {
        var driver = MachineDriver()
        driver.respond = nil
        driver.receive(Self.get)
        driver.answer(HTTPResponse(body: .stream { _ in }))
        #expect(driver.machine.isStreaming)
        driver.perform(driver.machine.streamChunk(Array("hello".utf8), now: driver.now))
        driver.perform(driver.machine.streamFinished(succeeded: true, now: driver.now))
        let text = String(decoding: driver.written, as: UTF8.self)
        #expect(text.contains("Transfer-Encoding: chunked\r\n"))
        #expect(text.hasSuffix("\r\n\r\n5\r\nhello\r\n0\r\n\r\n"))
        #expect(driver.completed.count == 1 && !driver.isClosed)
    }

    @Test func aFailedStreamClosesAbruptlyAndReportsTheRequestIncomplete() {
        var driver = MachineDriver()
        driver.respond = nil
        driver.receive(Self.get)
        driver.answer(HTTPResponse(body: .stream { _ in }))
        let action = driver.machine.streamFinished(succeeded: false, now: driver.now)
        guard case .close = action else {
            Issue.record("a failed stream closes")
            return
        }
        driver.machine.closed(now: driver.now)
        #expect(driver.completed.map(\.completed) == [false])
        #expect(driver.machine.isClosed)
    }
}
