import Testing
@testable import HTTP

/// Each malformed or hostile request fails with exactly one named reason, fed whole and byte by byte.
struct ParserMalformedTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let raw: [UInt8]
        let error: HTTPParseError
        var limits = HTTPLimits()
        var testDescription: String { name }

        init(_ name: String, _ raw: String, _ error: HTTPParseError, limits: HTTPLimits = HTTPLimits()) {
            self.name = name
            self.raw = Array(raw.utf8)
            self.error = error
            self.limits = limits
        }

        init(_ name: String, bytes: [UInt8], _ error: HTTPParseError) {
            self.name = name
            self.raw = bytes
            self.error = error
        }
    }

    static let small: HTTPLimits = {
        var limits = HTTPLimits()
        limits.maxTargetBytes = 64
        limits.maxHeaderBytes = 256
        limits.maxHeaderCount = 4
        limits.maxBodyBytes = 10
        return limits
    }()

    static let host = "Host: h\r\n"
    static let chunkedHead = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"

    static let cases: [Case] = [
        // Line endings
        Case("bare LF everywhere", "GET / HTTP/1.1\nHost: h\n\n", .bareLineFeed),
        Case("bare LF ending one field", "GET / HTTP/1.1\r\nHost: h\n\r\n", .bareLineFeed),
        Case("bare LF ending the head", "GET / HTTP/1.1\r\nHost: h\r\n\n", .bareLineFeed),
        // Request line
        Case("two spaces before the target", "GET  / HTTP/1.1\r\n\(host)\r\n", .invalidRequestLine),
        Case("no version", "GET /\r\n\(host)\r\n", .invalidRequestLine),
        Case("space after the version", "GET / HTTP/1.1 \r\n\(host)\r\n", .invalidRequestLine),
        Case("leading space", " GET / HTTP/1.1\r\n\(host)\r\n", .invalidRequestLine),
        Case("space inside the target", "GET /a b HTTP/1.1\r\n\(host)\r\n", .invalidRequestLine),
        Case("separator in method", "G(T / HTTP/1.1\r\n\(host)\r\n", .invalidMethod),
        Case("NUL before method", bytes: [0] + Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), .invalidMethod),
        Case("unknown method", "BREW /pot HTTP/1.1\r\n\(host)\r\n", .unsupportedMethod),
        Case("CONNECT is not served", "CONNECT example.com:443 HTTP/1.1\r\n\(host)\r\n", .unsupportedMethod),
        Case("lowercase method is another method", "get / HTTP/1.1\r\n\(host)\r\n", .unsupportedMethod),
        Case("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", .unsupportedVersion),
        Case("HTTP/2.0 version", "GET / HTTP/2.0\r\n\(host)\r\n", .unsupportedVersion),
        Case("HTTP/0.9 version", "GET / HTTP/0.9\r\n\(host)\r\n", .unsupportedVersion),
        Case("version without minor", "GET / HTTP/1\r\n\(host)\r\n", .invalidVersion),
        Case("lowercase protocol", "GET / http/1.1\r\n\(host)\r\n", .invalidVersion),
        Case("two-digit minor", "GET / HTTP/1.10\r\n\(host)\r\n", .invalidVersion),
        // Target
        Case("relative target", "GET a/b HTTP/1.1\r\n\(host)\r\n", .invalidTarget),
        Case("asterisk outside OPTIONS", "GET * HTTP/1.1\r\n\(host)\r\n", .invalidTarget),
        Case("fragment in target", "GET /a#b HTTP/1.1\r\n\(host)\r\n", .invalidTarget),
        Case("bad percent escape", "GET /%zz HTTP/1.1\r\n\(host)\r\n", .invalidTarget),
        Case("truncated percent escape", "GET /a%2 HTTP/1.1\r\n\(host)\r\n", .invalidTarget),
        Case("encoded NUL", "GET /a%00b HTTP/1.1\r\n\(host)\r\n", .invalidTarget),
        Case("escape decoding to invalid UTF-8", "GET /%ff HTTP/1.1\r\n\(host)\r\n", .invalidTarget),
        Case("DEL in target", "GET /\u{7F} HTTP/1.1\r\n\(host)\r\n", .invalidTarget),
        Case("raw UTF-8 in target", "GET /caf\u{E9} HTTP/1.1\r\n\(host)\r\n", .invalidTarget),
        Case("unknown scheme", "GET ftp://h/a HTTP/1.1\r\n\(host)\r\n", .invalidTarget),
        Case(
            "target over the limit", "GET /\(String(repeating: "a", count: 80)) HTTP/1.1\r\n\(host)\r\n", .targetTooLong(limit: 64),
            limits: small),
        Case(
            "unfinished request line over the limit", "GET /\(String(repeating: "a", count: 200))", .targetTooLong(limit: 64), limits: small
        ),
        // Header section size
        // Found by the fuzzer: the same bytes must fail the same way however they arrive.
        Case(
            "ended request line over the limit, head unfinished", "GET /\(String(repeating: "a", count: 200)) HTTP/1.1\r\n",
            .targetTooLong(limit: 64), limits: small),
        Case(
            "bare LF past the head limit", "GET / HTTP/1.1\r\n\(host)X: \(String(repeating: "v", count: 300))\n",
            .headersTooLarge(limit: 256), limits: small),
        Case(
            "head over the limit", "GET / HTTP/1.1\r\n\(host)X: \(String(repeating: "v", count: 300))\r\n\r\n",
            .headersTooLarge(limit: 256), limits: small),
        Case(
            "unfinished head over the limit", "GET / HTTP/1.1\r\n\(host)X: \(String(repeating: "v", count: 300))",
            .headersTooLarge(limit: 256), limits: small),
        Case("too many fields", "GET / HTTP/1.1\r\n\(host)A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", .tooManyHeaders(limit: 4), limits: small),
        // Field syntax
        Case("space before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", .invalidHeaderName),
        Case("empty field name", "GET / HTTP/1.1\r\n\(host): v\r\n\r\n", .invalidHeaderName),
        Case("separator in field name", "GET / HTTP/1.1\r\n\(host)X(y): v\r\n\r\n", .invalidHeaderName),
        Case("field without colon", "GET / HTTP/1.1\r\n\(host)Novalue\r\n\r\n", .invalidHeaderName),
        Case("NUL in field value", "GET / HTTP/1.1\r\n\(host)X: a\u{0}b\r\n\r\n", .invalidHeaderValue),
        Case("bare CR in field value", "GET / HTTP/1.1\r\n\(host)X: a\rb\r\n\r\n", .invalidHeaderValue),
        Case("DEL in field value", "GET / HTTP/1.1\r\n\(host)X: a\u{7F}\r\n\r\n", .invalidHeaderValue),
        Case("obsolete line folding", "GET / HTTP/1.1\r\n\(host)X: a\r\n b\r\n\r\n", .obsoleteLineFolding),
        Case("folding as first field", "GET / HTTP/1.1\r\n \(host)\r\n", .obsoleteLineFolding),
        // Host
        Case("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", .missingHost),
        Case("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .duplicateHost),
        Case("space inside Host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", .invalidHost),
        Case("slash in Host", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", .invalidHost),
        Case("letters in Host port", "GET / HTTP/1.1\r\nHost: a:80x\r\n\r\n", .invalidHost),
        Case("two colons in Host", "GET / HTTP/1.1\r\nHost: a:80:81\r\n\r\n", .invalidHost),
        Case("unclosed IP literal in Host", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", .invalidHost),
        Case("junk after IP literal in Host", "GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n", .invalidHost),
        Case("bad percent-escape in Host", "GET / HTTP/1.1\r\nHost: a%zz\r\n\r\n", .invalidHost),
        Case("at sign in Host", "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", .invalidHost),
        // Content-Length
        Case("letters in Content-Length", "POST / HTTP/1.1\r\n\(host)Content-Length: abc\r\n\r\n", .invalidContentLength),
        Case("negative Content-Length", "POST / HTTP/1.1\r\n\(host)Content-Length: -1\r\n\r\n", .invalidContentLength),
        Case("signed Content-Length", "POST / HTTP/1.1\r\n\(host)Content-Length: +5\r\n\r\n", .invalidContentLength),
        Case("empty Content-Length", "POST / HTTP/1.1\r\n\(host)Content-Length:\r\n\r\n", .invalidContentLength),
        Case("hex Content-Length", "POST / HTTP/1.1\r\n\(host)Content-Length: 0x5\r\n\r\n", .invalidContentLength),
        Case("overflowing Content-Length", "POST / HTTP/1.1\r\n\(host)Content-Length: 99999999999999999999\r\n\r\n", .invalidContentLength),
        Case("space inside Content-Length", "POST / HTTP/1.1\r\n\(host)Content-Length: 1 2\r\n\r\n", .invalidContentLength),
        Case(
            "differing Content-Length fields", "POST / HTTP/1.1\r\n\(host)Content-Length: 5\r\nContent-Length: 6\r\n\r\n",
            .conflictingContentLength),
        Case("differing Content-Length list", "POST / HTTP/1.1\r\n\(host)Content-Length: 5, 6\r\n\r\n", .conflictingContentLength),
        Case(
            "Content-Length over the body limit", "POST / HTTP/1.1\r\n\(host)Content-Length: 11\r\n\r\n", .bodyTooLarge(limit: 10),
            limits: small),
        // Smuggling: framing disagreements
        Case("CL.TE", "POST / HTTP/1.1\r\n\(host)Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG", .conflictingFraming),
        Case(
            "TE.CL", "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n",
            .conflictingFraming),
        Case("TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", .transferEncodingInHTTP10),
        Case("TE with a space before the colon", "POST / HTTP/1.1\r\n\(host)Transfer-Encoding : chunked\r\n\r\n", .invalidHeaderName),
        Case(
            "TE hidden by folding", "POST / HTTP/1.1\r\n\(host)Content-Length: 0\r\n Transfer-Encoding: chunked\r\n\r\n",
            .obsoleteLineFolding),
        Case("TE gzip before chunked", "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferCoding),
        Case("TE lookalike", "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: xchunked\r\n\r\n", .unsupportedTransferCoding),
        Case(
            "TE identity in a second field", "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n",
            .unsupportedTransferCoding),
        Case("TE chunked twice", "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked, chunked\r\n\r\n", .invalidTransferEncoding),
        Case("TE empty", "POST / HTTP/1.1\r\n\(host)Transfer-Encoding:\r\n\r\n", .invalidTransferEncoding),
        // Expect
        Case("Expect without a body length", "PUT / HTTP/1.1\r\n\(host)Expect: 100-continue\r\n\r\n", .lengthRequired),
        Case("unknown expectation", "PUT / HTTP/1.1\r\n\(host)Expect: 200-ok\r\nContent-Length: 1\r\n\r\nx", .unsupportedExpectation),
        // Chunked bodies
        Case("hex prefix in chunk size", chunkedHead + "0x5\r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        Case("negative chunk size", chunkedHead + "-1\r\n", .invalidChunkSize),
        Case("space before chunk size", chunkedHead + " 5\r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        Case("space after chunk size without extension", chunkedHead + "5 \r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        Case("empty chunk size", chunkedHead + "\r\n", .invalidChunkSize),
        Case("seventeen-digit chunk size", chunkedHead + "00000000000000005\r\nhello\r\n", .invalidChunkSize),
        Case("chunk size overflowing to negative", chunkedHead + "ffffffffffffffff\r\n", .invalidChunkSize),
        Case("chunk larger than the body limit", chunkedHead + "7fffffffffffffff\r\n", .bodyTooLarge(limit: 10), limits: small),
        Case(
            "chunks adding up over the body limit", chunkedHead + "6\r\nhello \r\n6\r\nworld!\r\n0\r\n\r\n", .bodyTooLarge(limit: 10),
            limits: small),
        Case("chunk data longer than its size", chunkedHead + "5\r\nhelloX\r\n0\r\n\r\n", .invalidChunkTerminator),
        Case("chunk data followed by bare LF", chunkedHead + "5\r\nhello\n0\r\n\r\n", .invalidChunkTerminator),
        Case("chunk-size line with bare LF", chunkedHead + "5\nhello\r\n", .bareLineFeed),
        Case("control byte in chunk extension", chunkedHead + "5;a=\u{1}\r\nhello\r\n0\r\n\r\n", .invalidChunkExtension),
        Case("invalid trailer name", chunkedHead + "0\r\nBad Name: x\r\n\r\n", .invalidHeaderName),
        Case("folded trailer", chunkedHead + "0\r\n folded\r\n\r\n", .obsoleteLineFolding)
    ]

    @Test(arguments: cases)
    func rejectsWhole(_ testCase: Case) {
        #expect(parseError(testCase.raw, limits: testCase.limits) == testCase.error)
    }

    @Test(arguments: cases)
    func rejectsOneByteAtATime(_ testCase: Case) {
        let pieces = testCase.raw.map { [$0] }
        var thrown: HTTPParseError?
        do { _ = try parseMessages(pieces, limits: testCase.limits) } catch { thrown = error }
        #expect(thrown == testCase.error)
    }

    @Test func tableHasAtLeastFortyCases() {
        #expect(Self.cases.count >= 40)
    }

    @Test func everyErrorMapsToItsStatus() {
        #expect(HTTPParseError.bareLineFeed.status == .badRequest)
        #expect(HTTPParseError.conflictingFraming.status == .badRequest)
        #expect(HTTPParseError.lengthRequired.status == .lengthRequired)
        #expect(HTTPParseError.bodyTooLarge(limit: 1).status == .contentTooLarge)
        #expect(HTTPParseError.inflatedBodyTooLarge(limit: 1).status == .contentTooLarge)
        #expect(HTTPParseError.targetTooLong(limit: 1).status == .uriTooLong)
        #expect(HTTPParseError.unsupportedContentEncoding.status == .unsupportedMediaType)
        #expect(HTTPParseError.unsupportedExpectation.status == .expectationFailed)
        #expect(HTTPParseError.headersTooLarge(limit: 1).status == .requestHeaderFieldsTooLarge)
        #expect(HTTPParseError.tooManyHeaders(limit: 1).status == .requestHeaderFieldsTooLarge)
        #expect(HTTPParseError.unsupportedMethod.status == .notImplemented)
        #expect(HTTPParseError.unsupportedTransferCoding.status == .notImplemented)
        #expect(HTTPParseError.unsupportedVersion.status == .httpVersionNotSupported)
    }
}
