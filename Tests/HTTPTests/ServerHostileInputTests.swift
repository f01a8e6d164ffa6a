import Testing
@testable import HTTP

/// Hostile or broken input gets its precise status, and the connection is closed.
struct ServerHostileInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let raw: String
        let status: Int
        var testDescription: String { "\(status): \(raw.prefix(40).debugDescription)" }
    }

    static let cases: [Case] = [
        Case(raw: "GET / HTTP/1.1\nHost: t\n\n", status: 400),
        Case(raw: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400),
        Case(raw: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", status: 400),
        Case(raw: "GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n folded\r\n\r\n", status: 400),
        Case(raw: "GET / HTTP/1.1\r\n\r\n", status: 400),
        Case(raw: "PUT /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n\r\n", status: 411),
        Case(raw: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999\r\n\r\n", status: 413),
        Case(raw: "GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\nHost: t\r\n\r\n", status: 414),
        Case(raw: "PUT /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nExpect: tea\r\n\r\n", status: 417),
        Case(raw: "GET / HTTP/1.1\r\nHost: t\r\nX: \(String(repeating: "v", count: 40_000))\r\n\r\n", status: 431),
        Case(raw: "GET / HTTP/1.1\r\nHost: t\r\n" + String(repeating: "X: 1\r\n", count: 101) + "\r\n", status: 431),
        Case(raw: "BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n", status: 501),
        Case(raw: "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", status: 501),
        Case(raw: "GET / HTTP/2.0\r\nHost: t\r\n\r\n", status: 505),
        Case(raw: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Encoding: br\r\nContent-Length: 2\r\n\r\nxx", status: 415),
        Case(raw: "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", status: 400)
    ]

    @Test(arguments: cases)
    func answersWithTheStatusAndCloses(_ testCase: Case) async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                let response = try client.exchange(testCase.raw)
                #expect(response.status == testCase.status)
                #expect(response.headers["Connection"] == "close")
                #expect(client.serverClosed())
            }
        }
    }

    @Test func errorResponsesComeFromTheHook() async throws {
        var hooks = HTTPServerHooks()
        hooks.errorResponse = { status, error in
            HTTPResponse(
                status: status, contentType: "application/problem+json",
                body: Array("{\"reason\":\"\(error.map { "\($0)" } ?? "none")\"}".utf8))
        }
        try await withServer(hooks: hooks) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                let response = try client.exchange("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
                #expect(response.status == 400)
                #expect(response.headers["Content-Type"] == "application/problem+json")
                #expect(response.text == #"{"reason":"the request has more than one Host header"}"#)
            }
        }
    }

    @Test func smuggledSecondRequestIsNeverServed() async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                try client.send(
                    "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /json HTTP/1.1\r\nHost: t\r\n\r\n"
                )
                #expect(try client.readResponse().status == 400)
                #expect(client.serverClosed())
            }
        }
    }

    @Test func refusesABodyOverTheLimitBeforeReadingIt() async throws {
        try await withServer(testConfiguration { $0.limits.maxBodyBytes = 1000 }) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                try client.send("PUT /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 1001\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 413)
                #expect(client.serverClosed())
            }
        }
    }

    @Test func inflatesGzipBodiesUpToTheLimit() async throws {
        try await withServer(testConfiguration { $0.limits.maxInflatedBodyBytes = 100_000 }) { _, port in
            try await blocking {
                let payload = Array(String(repeating: "gzip me ", count: 1000).utf8)
                let compressed = Gzip.compress(payload, level: 6)
                let client = try RawClient(port: port)
                try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Encoding: gzip\r\nContent-Length: \(compressed.count)\r\n\r\n")
                try client.send(compressed)
                #expect(try client.readResponse().body == payload)

                let bomb = Gzip.compress([UInt8](repeating: 0x20, count: 1_000_000), level: 9)
                try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Encoding: gzip\r\nContent-Length: \(bomb.count)\r\n\r\n")
                try client.send(bomb)
                #expect(try client.readResponse().status == 413)
                try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope")
                #expect(try client.readResponse().status == 400)
            }
        }
    }

    @Test func compressesResponsesWhenAccepted() async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                let plain = try client.exchange("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
                let zipped = try client.exchange("GET /big HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip, deflate\r\n\r\n")
                #expect(plain.headers["Content-Encoding"] == nil)
                #expect(zipped.headers["Content-Encoding"] == "gzip")
                #expect(zipped.headers["Vary"] == "Accept-Encoding")
                #expect(zipped.body.count * 10 < plain.body.count)
                #expect(try Gzip.decompress(zipped.body, limit: 1 << 20) == plain.body)
            }
        }
    }
}
