import Glibc
import Synchronization
import Testing
@testable import HTTP

/// A route's ``HTTPBodyPlan``: bodies read straight into the route's storage, refusals before any
/// byte is read, and the framings that always stay buffered.
struct ServerBodyDestinationTests {
    /// Storage the tests' routes hand the server.
    final class Destination: HTTPBodyDestination, @unchecked Sendable {
        var bytes: [UInt8]
        init(byteCount: Int) { bytes = [UInt8](repeating: 0xEE, count: byteCount) }
        var byteCount: Int { bytes.count }
        func withUnsafeMutableBytes<Result>(_ body: (UnsafeMutableRawBufferPointer) -> Result) -> Result {
            bytes.withUnsafeMutableBytes(body)
        }
    }

    /// Counts how often the planner ran, and how many requests reached a handler.
    final class Counts: Sendable {
        let planned = Atomic(0)
        let handled = Atomic(0)
    }

    static func router(_ counts: Counts) -> Router {
        var router = testRouter()
        let intoStorage: HTTPBodyPlanner = { request in
            counts.planned.add(1, ordering: .relaxed)
            guard case .length(let length) = request.head.framing else { return .buffered }
            switch request.parameters["mode"] {
            case "refuse": return .refuse(.text("refused before the body\n", status: HTTPStatus(code: 422)))
            case "wrong-size": return .into(Destination(byteCount: length + 1))
            case "buffered": return .buffered
            default: return .into(Destination(byteCount: length))
            }
        }
        router.on(.put, "/into/{mode}", body: intoStorage) { request in
            counts.handled.add(1, ordering: .relaxed)
            let inPlace = (request.bodyDestination as? Destination)?.bytes
            var response = HTTPResponse(contentType: "application/octet-stream", body: inPlace ?? request.body)
            response.headers.set("Read-Into", inPlace == nil ? "body" : "destination")
            return response
        }
        return router
    }

    static func request(_ body: [UInt8], mode: String = "storage", extra: String = "") -> [UInt8] {
        Array("PUT /into/\(mode) HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\(extra)\r\n".utf8) + body
    }

    @Test(arguments: [1, 17, ConnectionMachine.directBodyThreshold * 3 + 5])
    func aPlannedBodyArrivesInTheRoutesStorage(size: Int) async throws {
        let counts = Counts()
        try await withServer(router: Self.router(counts)) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                let body = ServerLargeBodyTests.payload(size)
                try client.send(Self.request(body))
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.headers["Read-Into"] == "destination")
                #expect(response.body == body)
            }
        }
        #expect(counts.planned.load(ordering: .relaxed) == 1)
    }

    @Test func piecesAndPipelinedRequestsAroundAPlannedBodyStayIntact() async throws {
        let counts = Counts()
        try await withServer(router: Self.router(counts)) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                let first = ServerLargeBodyTests.payload(ConnectionMachine.directBodyThreshold * 2 + 3, salt: 1)
                let second = ServerLargeBodyTests.payload(100, salt: 2)
                let bytes =
                    Self.request(first) + Self.request(second, mode: "buffered") + Array("GET /json HTTP/1.1\r\nHost: t\r\n\r\n".utf8)
                // Odd pieces, so body bytes arrive both with the head (buffered input) and alone
                // (read straight into the storage).
                var offset = 0
                var pieces = [200, 1, 4095, 7, 65_536, 3].makeIterator()
                while offset < bytes.count {
                    let end = min(bytes.count, offset + (pieces.next() ?? bytes.count))
                    try client.send(Array(bytes[offset..<end]))
                    offset = end
                }
                let one = try client.readResponse()
                #expect(one.body == first)
                #expect(one.headers["Read-Into"] == "destination")
                let two = try client.readResponse()
                #expect(two.body == second)
                #expect(two.headers["Read-Into"] == "body")
                #expect(try client.readResponse().status == 200)
            }
        }
    }

    @Test func aRefusalIsSentWithoutReadingTheBodyOrAContinue() async throws {
        let counts = Counts()
        try await withServer(router: Self.router(counts)) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                try client.send(
                    Array("PUT /into/refuse HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n".utf8))
                let response = try client.readResponse()
                #expect(response.status == 422)
                #expect(response.text == "refused before the body\n")
                #expect(response.headers["Connection"] == "close")
            }
        }
        #expect(counts.handled.load(ordering: .relaxed) == 0)
    }

    @Test func aDestinationOfTheWrongSizeIsA500() async throws {
        let counts = Counts()
        let failures = Locked<[String]>([])
        var hooks = HTTPServerHooks()
        hooks.handlerFailed = { _, error in failures.withLock { $0.append("\(error)") } }
        try await withServer(hooks: hooks, router: Self.router(counts)) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                let response = try client.exchange(String(decoding: Self.request(Array("abc".utf8), mode: "wrong-size"), as: UTF8.self))
                #expect(response.status == 500)
            }
        }
        #expect(counts.handled.load(ordering: .relaxed) == 0)
        #expect(failures.withLock { $0 } == ["bodyDestinationSize(expected: 3, got: 4)"])
    }

    @Test func aHalfCloseBeforeThePlannedBodyEndsIs400AndNeverReachesTheHandler() async throws {
        let counts = Counts()
        try await withServer(router: Self.router(counts)) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                let bytes = Self.request(ServerLargeBodyTests.payload(ConnectionMachine.directBodyThreshold * 2))
                try client.send(Array(bytes[..<(bytes.count - 10)]))
                client.shutdownWrite()
                #expect(try client.readResponse().status == 400)
                #expect(client.serverClosed())
            }
        }
        #expect(counts.handled.load(ordering: .relaxed) == 0)
    }

    @Test func chunkedAndCompressedBodiesAreBufferedWithoutAskingTheRoute() async throws {
        let counts = Counts()
        try await withServer(router: Self.router(counts)) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                let chunked = try client.exchange(
                    "PUT /into/storage HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
                #expect(chunked.text == "abc")
                #expect(chunked.headers["Read-Into"] == "body")
                let text = Array(String(repeating: "tensor ", count: 50).utf8)
                let compressed = Gzip.compress(text, level: 5)
                try client.send(Self.request(compressed, extra: "Content-Encoding: gzip\r\n"))
                let inflated = try client.readResponse()
                #expect(inflated.body == text)
                #expect(inflated.headers["Read-Into"] == "body")
            }
        }
        #expect(counts.planned.load(ordering: .relaxed) == 0)
    }

    @Test func aMethodWithoutAPlannerIsBuffered() throws {
        let bytes = Array("POST /into/storage HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\n".utf8)
        var parser = HTTPRequestParser(limits: HTTPLimits())
        let head = try #require(try bytes.withUnsafeBufferPointer { buffer throws(HTTPParseError) in try parser.parseHead(buffer) }?.0)
        let counts = Counts()
        guard case .buffered = Self.router(counts).bodyPlan(for: HTTPRequest(head: head)) else {
            Issue.record("POST /into/{mode} has no planner")
            return
        }
        #expect(counts.planned.load(ordering: .relaxed) == 0)
    }
}
