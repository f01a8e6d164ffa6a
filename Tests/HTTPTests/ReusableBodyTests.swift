import Testing
@testable import HTTP

/// ``ReusableBody``: large bodies read into pooled buffers, each request seeing exactly its own
/// bytes, and a pool that reuses memory within its limit.
struct ReusableBodyTests {
    static func router() -> Router {
        var router = testRouter()
        router.on(.put, "/reusable", body: ReusableBody.plan) { request in
            let bytes = request.withBodyBytes { Array($0) }
            var response = HTTPResponse(contentType: "application/octet-stream", body: bytes)
            response.headers.set("Read-Into", request.bodyDestination is ReusableBody ? "reusable" : "body")
            response.headers.set("Body-Count", String(request.bodyByteCount))
            return response
        }
        return router
    }

    static func request(_ body: [UInt8]) -> [UInt8] {
        Array("PUT /reusable HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
    }

    @Test(arguments: [
        (1, "body"), (ReusableBody.minimumBytes - 1, "body"), (ReusableBody.minimumBytes, "reusable"),
        (ReusableBody.minimumBytes * 3 + 5, "reusable")
    ])
    func aLargeBodyIsReadIntoAPooledBufferAndArrivesWhole(size: Int, readInto: String) async throws {
        try await withServer(router: Self.router()) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                let body = ServerLargeBodyTests.payload(size, salt: 5)
                try client.send(Self.request(body))
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.headers["Read-Into"] == readInto)
                #expect(response.headers["Body-Count"] == String(size))
                #expect(response.body == body)
            }
        }
    }

    /// A shorter body after a longer one, on one connection and so most likely in the same
    /// pooled buffer: the second request sees its own bytes and none of the first's tail.
    @Test func aShorterBodyInAReusedBufferSeesOnlyItsOwnBytes() async throws {
        try await withServer(router: Self.router()) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                for (round, size) in [ReusableBody.minimumBytes * 4, ReusableBody.minimumBytes + 1, ReusableBody.minimumBytes * 2]
                    .enumerated()
                {
                    let body = ServerLargeBodyTests.payload(size, salt: round)
                    try client.send(Self.request(body))
                    let response = try client.readResponse()
                    #expect(response.status == 200)
                    #expect(response.headers["Read-Into"] == "reusable")
                    #expect(response.body.count == size)
                    #expect(response.body == body)
                }
            }
        }
    }

    /// Clients that leave halfway through a pooled body give its buffer back (it is dropped
    /// unread) and leave the server serving the next one.
    @Test func clientsThatLeaveMidBodyLeaveTheServerServing() async throws {
        try await withServer(router: Self.router()) { _, port in
            try await blocking {
                let body = ServerLargeBodyTests.payload(ReusableBody.minimumBytes * 2, salt: 9)
                for _ in 0..<8 {
                    let leaving = try RawClient(port: port)
                    try leaving.send(Array(Self.request(body).prefix(ReusableBody.minimumBytes)))
                }
                let client = try RawClient(port: port)
                try client.send(Self.request(body))
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.body == body)
            }
        }
    }

    @Test func thePoolHandsBackTheSmallestBufferThatFits() {
        let pool = BufferPool(limit: 1 << 20)
        let small = pool.take(atLeast: 100_000)
        let large = pool.take(atLeast: 300_000)
        #expect(small.bytes.count >= 100_000 && large.bytes.count >= 300_000)
        pool.giveBack(large)
        pool.giveBack(small)
        #expect(pool.take(atLeast: 90_000).bytes.baseAddress == small.bytes.baseAddress)
        #expect(pool.take(atLeast: 90_000).bytes.baseAddress == large.bytes.baseAddress)
        let fresh = pool.take(atLeast: 90_000)
        #expect(fresh.bytes.baseAddress != small.bytes.baseAddress && fresh.bytes.baseAddress != large.bytes.baseAddress)
        for buffer in [small, large, fresh] { buffer.free() }
    }

    @Test func thePoolKeepsNoMoreThanItsLimit() {
        let pool = BufferPool(limit: 600_000)
        let first = pool.take(atLeast: 400_000)
        let second = pool.take(atLeast: 400_000)
        let oversize = pool.take(atLeast: 700_000)
        pool.giveBack(first)
        pool.giveBack(second)  // over the limit together: the first (no larger) makes room
        pool.giveBack(oversize)  // larger than the limit alone: freed, not kept
        #expect(pool.take(atLeast: 400_000).bytes.baseAddress == second.bytes.baseAddress)
        let next = pool.take(atLeast: 400_000)
        #expect(next.bytes.baseAddress != second.bytes.baseAddress)
        second.free()
        next.free()
    }
}
