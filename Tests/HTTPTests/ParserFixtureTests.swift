import Testing
@testable import HTTP

/// Valid requests parse to the same messages whether they arrive whole, one byte at a time,
/// or cut at random places.
struct ParserFixtureTests {
    struct Fixture: CustomTestStringConvertible, Sendable {
        let name: String
        let raw: String
        let expected: [ParsedMessage]
        var testDescription: String { name }
    }

    static let fixtures: [Fixture] = [
        Fixture(
            name: "simple GET", raw: "GET / HTTP/1.1\r\nHost: example\r\n\r\n",
            expected: [message("GET", "/", headers: [["Host", "example"]])]),
        Fixture(
            name: "query and escapes", raw: "GET /v1/models/a%20b?values=true&x=1 HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n",
            expected: [message("GET", "/v1/models/a%20b?values=true&x=1", headers: [["Host", "h"], ["Accept", "*/*"]])]),
        Fixture(
            name: "content-length body", raw: "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world",
            expected: [message("POST", "/echo", headers: [["Host", "h"], ["Content-Length", "11"]], body: "hello world")]),
        Fixture(
            name: "chunked with extensions and trailers",
            raw: "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n6 ; quoted=\"a;b\"\r\n world\r\n0\r\nChecksum: abc\r\nX-Done: yes\r\n\r\n",
            expected: [
                message(
                    "POST", "/up", headers: [["Host", "h"], ["Transfer-Encoding", "chunked"]], body: "hello world",
                    trailers: [["Checksum", "abc"], ["X-Done", "yes"]])
            ]),
        Fixture(
            name: "uppercase hex and leading zeros in chunk sizes",
            raw: "PUT /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n00A\r\n0123456789\r\n000\r\n\r\n",
            expected: [message("PUT", "/p", headers: [["Host", "h"], ["Transfer-Encoding", "Chunked"]], body: "0123456789")]),
        Fixture(
            name: "HTTP/1.0 without Host", raw: "GET /old HTTP/1.0\r\n\r\n",
            expected: [message("GET", "/old", version: .http1_0)]),
        Fixture(
            name: "empty lines before the request line", raw: "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
            expected: [message("GET", "/", headers: [["Host", "h"]])]),
        Fixture(
            name: "OWS, tabs, empty values and obs-text",
            raw: "GET / HTTP/1.1\r\nHost:h\r\nX-Empty:\r\nX-Tab:\t a\tb \t\r\nX-Latin: caf\u{E9}\r\n\r\n",
            expected: [message("GET", "/", headers: [["Host", "h"], ["X-Empty", ""], ["X-Tab", "a\tb"], ["X-Latin", "caf\u{E9}"]])]),
        Fixture(
            name: "absolute-form target", raw: "GET http://example.com/a/b?c=d HTTP/1.1\r\nHost: example.com\r\n\r\n",
            expected: [message("GET", "http://example.com/a/b?c=d", headers: [["Host", "example.com"]])]),
        Fixture(
            name: "asterisk-form OPTIONS", raw: "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
            expected: [message("OPTIONS", "*", headers: [["Host", "h"]])]),
        Fixture(
            name: "pipelined requests",
            raw:
                "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\nHost: h\r\n\r\n",
            expected: [
                message("GET", "/1", headers: [["Host", "h"]]),
                message("POST", "/2", headers: [["Host", "h"], ["Content-Length", "3"]], body: "abc"),
                message("GET", "/3", headers: [["Host", "h"]])
            ]),
        Fixture(
            name: "repeated identical Content-Length",
            raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nok",
            expected: [message("POST", "/", headers: [["Host", "h"], ["Content-Length", "2, 2"], ["Content-Length", "2"]], body: "ok")]),
        Fixture(
            name: "expect 100-continue", raw: "PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nz",
            expected: [message("PUT", "/x", headers: [["Host", "h"], ["Expect", "100-continue"], ["Content-Length", "1"]], body: "z")]),
        Fixture(
            name: "HTTP/1.2 served as 1.1", raw: "GET / HTTP/1.2\r\nHost: h\r\n\r\n",
            expected: [message("GET", "/", headers: [["Host", "h"]])]),
        Fixture(
            name: "binary body with CRLFs", raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 8\r\n\r\n\r\n\r\n\u{0}\u{1}\r\n",
            expected: [message("POST", "/", headers: [["Host", "h"], ["Content-Length", "8"]], body: "\r\n\r\n\u{0}\u{1}\r\n")])
    ]

    static func message(
        _ method: String, _ target: String, version: HTTPVersion = .http1_1, headers: [[String]] = [],
        body: String = "", trailers: [[String]] = []
    ) -> ParsedMessage {
        ParsedMessage(method: method, target: target, version: version, headers: headers, body: Array(body.utf8), trailers: trailers)
    }

    @Test(arguments: fixtures)
    func parsesWhole(_ fixture: Fixture) throws {
        #expect(try parseMessages(fixture.raw) == fixture.expected)
    }

    @Test(arguments: fixtures)
    func parsesOneByteAtATime(_ fixture: Fixture) throws {
        let pieces = Array(fixture.raw.utf8).map { [$0] }
        #expect(try parseMessages(pieces) == fixture.expected)
    }

    @Test(arguments: fixtures)
    func parsesAtEverySingleSplitPoint(_ fixture: Fixture) throws {
        let bytes = Array(fixture.raw.utf8)
        for cut in 1..<bytes.count {
            #expect(try parseMessages([Array(bytes[..<cut]), Array(bytes[cut...])]) == fixture.expected, "cut at \(cut)")
        }
    }

    @Test(arguments: fixtures)
    func parsesRandomSplits(_ fixture: Fixture) throws {
        var generator = SeededGenerator(seed: 0xC0FFEE)
        let bytes = Array(fixture.raw.utf8)
        for _ in 0..<50 {
            let pieces = randomSplit(bytes, using: &generator)
            #expect(try parseMessages(pieces) == fixture.expected, "pieces \(pieces.map(\.count))")
        }
    }

    @Test func incompleteHeadAsksForMoreBytes() throws {
        #expect(try parseHead("GET / HTTP/1.1\r\nHost: h\r\n") == nil)
        #expect(try parseHead("GET / HTTP/1.1\r\nHost: h\r\n\r") == nil)
        #expect(try parseHead("\r\n") == nil)
        #expect(try parseHead("") == nil)
    }

    @Test func reportsConsumedBytesSoPipelinedInputStays() throws {
        var parser = HTTPRequestParser()
        let bytes = Array("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b".utf8)
        let result = try bytes.withUnsafeBufferPointer { buffer throws(HTTPParseError) in try parser.parseHead(buffer) }
        #expect(result?.consumed == 28)
    }

    @Test func keepAliveFollowsVersionAndConnection() throws {
        #expect(try parseHead("GET / HTTP/1.1\r\nHost: h\r\n\r\n")?.keepAlive == true)
        #expect(try parseHead("GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n")?.keepAlive == false)
        #expect(try parseHead("GET / HTTP/1.0\r\n\r\n")?.keepAlive == false)
        #expect(try parseHead("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")?.keepAlive == true)
    }

    @Test func framingAndExpectationAreReported() throws {
        let head = try #require(try parseHead("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 9\r\n\r\n"))
        #expect(head.framing == .length(9))
        #expect(head.expectsContinue)
        let zero = try #require(try parseHead("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n"))
        #expect(!zero.expectsContinue)
        let old = try #require(try parseHead("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"))
        #expect(!old.expectsContinue, "RFC 9110 §10.1.1: ignore 100-continue from HTTP/1.0")
        #expect(try parseHead("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n")?.framing == .chunked)
    }
}
