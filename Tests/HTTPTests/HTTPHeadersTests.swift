import Testing

@testable import HTTP

/// The header fields as kept by the parser (one byte buffer, ranges per field): what every
/// lookup sees, whatever the network's cuts, and how the fields behave once changed.
struct HTTPHeadersTests {
    /// Duplicates, mixed case, OWS around values, an empty value, inner spaces and tabs, a
    /// comma-separated list and bytes above 0x7F.
    static let head =
        Array(
            ("GET /p HTTP/1.1\r\nHost: example.com:8080\r\nX-Dup: one\r\ncOnNeCtIoN: Keep-Alive ,\t Upgrade\r\n"
                + "x-dup:two  \r\nEmpty:\r\nSpaced:\t a \t b\t\r\nAccept: text/html, application/json;q=0.9\r\n").utf8)
        + [UInt8(ascii: "O"), UInt8(ascii: ":"), 0x20, 0xC3, 0xA9, 0xFF, 0x0D, 0x0A, 0x0D, 0x0A]

    static let expected: [[String]] = [
        ["Host", "example.com:8080"], ["X-Dup", "one"], ["cOnNeCtIoN", "Keep-Alive ,\t Upgrade"], ["x-dup", "two"],
        ["Empty", ""], ["Spaced", "a \t b"], ["Accept", "text/html, application/json;q=0.9"],
        ["O", String(decoding: [0xC3, 0xA9, 0xFF], as: UTF8.self)]
    ]

    @Test func everySplitOfAHeadGivesTheSameFieldsAndLookups() throws {
        for cut in 1..<Self.head.count {
            let head = try #require(try parsedHead([Array(Self.head[..<cut]), Array(Self.head[cut...])]))
            let headers = head.headers
            #expect(headers.map { [$0.name, $0.value] } == Self.expected, "cut at \(cut)")
            #expect(headers.count == 8 && !headers.isEmpty)
            #expect(headers["x-DUP"] == "one" && headers.first("X-Dup") == "one")
            #expect(headers.values("X-DUP") == ["one", "two"])
            #expect(headers["empty"] == "" && headers.contains("EMPTY") && !headers.contains("Emptyx"))
            #expect(headers["Missing"] == nil && headers.values("Missing").isEmpty)
            #expect(headers.containsToken("upgrade", in: "Connection") && headers.containsToken("keep-alive", in: "connection"))
            #expect(!headers.containsToken("close", in: "Connection") && !headers.containsToken("", in: "Connection"))
            #expect(headers.containsToken("TEXT/HTML", in: "accept"))
            #expect(head.keepAlive)
        }
    }

    @Test func foldedLinesAreRefusedAtEverySplit() {
        let folded = Array("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n\tb\r\n\r\n".utf8)
        for cut in 1..<folded.count {
            #expect(throws: HTTPParseError.obsoleteLineFolding) {
                try parsedHead([Array(folded[..<cut]), Array(folded[cut...])])
            }
        }
    }

    @Test func parsedFieldsEqualTheSameFieldsBuiltByHand() throws {
        let parsed = try #require(try parsedHead([Self.head])).headers
        let built = HTTPHeaders(Self.expected.dropLast().map { ($0[0], $0[1]) } + [("O", "")])
        var rebuilt = built
        rebuilt.remove("O")
        #expect(parsed != built)
        // The last field's value is not UTF-8: only a field built from the same bytes equals it.
        #expect(HTTPHeaders(Array(parsed).dropLast().map { ($0.name, $0.value) }) == rebuilt)
        // Names compare as sent: equality is exact, lookups ignore case.
        #expect(HTTPHeaders([("x-dup", "one")]) != HTTPHeaders([("X-Dup", "one")]))
    }

    @Test func changingParsedFieldsLeavesTheirCopiesAlone() throws {
        let parsed = try #require(try parsedHead([Self.head])).headers
        var changed = parsed
        changed.set("x-dup", "three")
        changed.add("New", "v")
        changed.remove("EMPTY")
        #expect(changed.values("X-Dup") == ["three"] && changed["new"] == "v" && !changed.contains("Empty"))
        #expect(changed.map(\.name) == ["Host", "cOnNeCtIoN", "Spaced", "Accept", "O", "x-dup", "New"])
        #expect(parsed.map { [$0.name, $0.value] } == Self.expected)
        var emptied = parsed
        for name in Set(parsed.map { $0.name.lowercased() }) { emptied.remove(name) }
        #expect(emptied.isEmpty && emptied == HTTPHeaders())
    }

    @Test func framingFieldsAreReadFromTheirBytes() throws {
        let post = "POST / HTTP/1.1\r\nhOsT: h\r\ncontent-length:  5 , 5\t\r\nEXPECT: 100-Continue \r\n\r\n"
        let head = try #require(try parseHead(post))
        #expect(head.framing == .length(5) && head.expectsContinue)
        let chunked = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: ,  , Chunked ,\r\n\r\n"
        #expect(try parseHead(chunked)?.framing == .chunked)
        #expect(parseError(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5,\r\n\r\n".utf8)) == .invalidContentLength)
        #expect(parseError(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 6\r\n\r\n".utf8)) == .conflictingContentLength)
        #expect(
            parseError(Array("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n".utf8)) == .unsupportedTransferCoding)
        #expect(
            parseError(Array("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n".utf8)) == .invalidTransferEncoding)
        #expect(
            parseError(Array("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nExpect: x\r\nContent-Length: 1\r\n\r\n".utf8))
                == .unsupportedExpectation)
        #expect(parseError(Array("GET / HTTP/1.1\r\nHost: h\r\nhost: h\r\n\r\n".utf8)) == .duplicateHost)
    }

    @Test func trailersKeepTheirBytesAtEverySplit() throws {
        let message = Array(
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nX-Sum:  ab \r\nx-sum: cd\r\n\r\n".utf8)
        for cut in 1..<message.count {
            let parsed = try parseMessages([Array(message[..<cut]), Array(message[cut...])])
            #expect(parsed.first?.trailers == [["X-Sum", "ab"], ["x-sum", "cd"]], "cut at \(cut)")
        }
    }

    @Test func responseFieldsAreWrittenFromTheirBytesWithoutLineBreaks() {
        var response = HTTPResponse(contentType: "text/plain", body: [])
        response.headers.add("X-Evil", "a\r\nInjected: 1")
        response.headers.add("content-length", "99")
        let head = ResponseHead.encode(
            response, framing: .length(0), keepAlive: true, version: .http1_1, requestID: "r", date: Array("Date: d\r\n".utf8))
        #expect(
            String(decoding: head, as: UTF8.self)
                == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Evil: a  Injected: 1\r\nDate: d\r\nRequest-Id: r\r\nContent-Length: 0\r\n\r\n"
        )
    }

    /// The head parsed from `pieces` fed one after another, as a connection feeds them.
    private func parsedHead(_ pieces: [[UInt8]]) throws(HTTPParseError) -> HTTPRequestHead? {
        var parser = HTTPRequestParser()
        var buffer: [UInt8] = []
        for piece in pieces {
            buffer += piece
            let parsed = try buffer.withUnsafeBufferPointer { bytes throws(HTTPParseError) in try parser.parseHead(bytes) }
            if let (head, _) = parsed { return head }
        }
        return nil
    }
}
