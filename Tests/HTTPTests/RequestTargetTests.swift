import Testing
@testable import HTTP

/// Targets split into segments before percent-decoding; queries decode `+` as space.
struct RequestTargetTests {
    @Test func decodesSegmentsAfterSplitting() throws {
        let head = try #require(try parseHead("GET /v1/models/a%2Fb/parameters/0.block%201.bias HTTP/1.1\r\nHost: h\r\n\r\n"))
        #expect(head.pathSegments == ["v1", "models", "a/b", "parameters", "0.block 1.bias"])
        #expect(head.path == "/v1/models/a/b/parameters/0.block 1.bias")
    }

    @Test func rootHasNoSegmentsAndTrailingSlashKeepsAnEmptyOne() throws {
        #expect(try parseHead("GET / HTTP/1.1\r\nHost: h\r\n\r\n")?.pathSegments == [])
        #expect(try parseHead("GET /a/ HTTP/1.1\r\nHost: h\r\n\r\n")?.pathSegments == ["a", ""])
    }

    @Test func decodesQueryItemsInOrder() throws {
        let head = try #require(
            try parseHead("GET /p?prefix=0.w&values=true&q=a+b%2Bc&flag&=v&caf%C3%A9=%E2%9C%93 HTTP/1.1\r\nHost: h\r\n\r\n"))
        #expect(
            head.query == [
                HTTPQueryItem(name: "prefix", value: "0.w"), HTTPQueryItem(name: "values", value: "true"),
                HTTPQueryItem(name: "q", value: "a b+c"), HTTPQueryItem(name: "flag", value: ""),
                HTTPQueryItem(name: "", value: "v"), HTTPQueryItem(name: "café", value: "✓")
            ])
        #expect(head.queryValue("values") == "true")
        #expect(head.queryValue("missing") == nil)
    }

    @Test func plusStaysLiteralInPaths() throws {
        #expect(try parseHead("GET /a+b HTTP/1.1\r\nHost: h\r\n\r\n")?.pathSegments == ["a+b"])
    }

    @Test func absoluteFormUsesItsPath() throws {
        let head = try #require(try parseHead("GET https://example.com?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n"))
        #expect(head.path == "/")
        #expect(head.queryValue("x") == "1")
    }

    @Test func headersLookUpWithoutCase() {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "X-A": "1"]
        headers.add("x-a", "2")
        #expect(headers["content-type"] == "application/json")
        #expect(headers.values("X-a") == ["1", "2"])
        headers.set("X-A", "3")
        #expect(headers.values("x-a") == ["3"])
        headers.remove("CONTENT-TYPE")
        #expect(headers["Content-Type"] == nil)
        let connection: HTTPHeaders = ["Connection": "keep-alive, Upgrade"]
        #expect(connection.containsToken("upgrade", in: "connection"))
        #expect(!connection.containsToken("close", in: "connection"))
    }
}

/// The one-pass parser for plain paths agrees with the general one (reached here through an
/// empty query, which the one-pass parser leaves to it).
struct RequestTargetFastPathTests {
    @Test func plainPathsSplitAsTheGeneralParserSplitsThem() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab/._-~!$&'()*,;=:@09".utf8)
        var targets = ["/", "//", "/a", "/a/", "//a", "/a//b", "/v1/models/m/parameters/0.weight", "/~x/!$&'()*+,;=:@"]
        for _ in 0..<2000 {
            let length = Int.random(in: 0...12, using: &generator)
            targets.append("/" + String(decoding: (0..<length).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self))
        }
        for target in targets {
            let fast = try RequestTarget(target, method: .get)
            let general = try RequestTarget(target + "?", method: .get)
            #expect(fast.path == general.path && fast.segments == general.segments && fast.query.isEmpty, "\(target)")
        }
    }
}

/// The byte-level parser for targets with a query or percent-encoding agrees with a plain
/// reference written from RFC 3986's rules, on random targets mixing every separator and
/// escape, valid and not (an incomplete or non-hex escape, an encoded NUL, bad UTF-8).
struct RequestTargetReferenceTests {
    @Test func randomTargetsParseAsTheReferenceSays() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "b", "/", "?", "&", "=", "+", "%2F", "%41", "%2b", "%C3%A9", "%", "%4", "%zz", "%00", "%FF", ".", "~", "é"]
        for _ in 0..<5000 {
            let count = Int.random(in: 0...10, using: &generator)
            let target = "/" + (0..<count).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
            let expected = ReferenceTarget(target)
            let actual = try? RequestTarget(target, method: .get)
            #expect(actual?.path == expected?.path, "\(target)")
            #expect(actual?.segments == expected?.segments, "\(target)")
            #expect(actual?.query == expected?.query, "\(target)")
        }
    }

    @Test func absoluteFormsTakeTheirOriginForm() throws {
        for (target, path, query) in [
            ("http://h/a?x=1", "/a", [HTTPQueryItem(name: "x", value: "1")]),
            ("HTTPS://h", "/", []),
            ("http://h?x=/y", "/", [HTTPQueryItem(name: "x", value: "/y")]),
            ("hTTp://h:80/a%20b", "/a b", [])
        ] {
            let parsed = try RequestTarget(target, method: .get)
            #expect(parsed.path == path && parsed.query == query, "\(target)")
        }
        #expect(throws: HTTPParseError.self) { try RequestTarget("ftp://h/a", method: .get) }
        #expect(throws: HTTPParseError.self) { try RequestTarget("http:/h", method: .get) }
    }
}

/// RFC 3986 §2.1 and §3.3–3.4 by the letter, on Strings: what ``RequestTarget`` must agree with.
private struct ReferenceTarget {
    var path: String
    var segments: [String]
    var query: [HTTPQueryItem]

    init?(_ target: String) {
        guard target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "#") }) else { return nil }
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard let rawPath = parts.first, let path = Self.decode(Substring(rawPath), plusIsSpace: false) else { return nil }
        self.path = path
        var segments: [String] = []
        for raw in rawPath.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            guard let segment = Self.decode(raw, plusIsSpace: false) else { return nil }
            segments.append(segment)
        }
        self.segments = rawPath == "/" ? [] : segments
        query = []
        if parts.count == 2 {
            for item in parts[1].split(separator: "&") {
                let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let name = Self.decode(pair[0], plusIsSpace: true),
                    let value = pair.count == 2 ? Self.decode(pair[1], plusIsSpace: true) : ""
                else { return nil }
                query.append(HTTPQueryItem(name: name, value: value))
            }
        }
    }

    static func decode(_ text: Substring, plusIsSpace: Bool) -> String? {
        var bytes: [UInt8] = []
        var rest = Substring(text)
        while let first = rest.first {
            if first == "%" {
                let hex = rest.dropFirst().prefix(2)
                guard hex.count == 2, hex.allSatisfy(\.isHexDigit), let value = UInt8(hex, radix: 16), value != 0 else { return nil }
                bytes.append(value)
                rest = rest.dropFirst(3)
            } else {
                bytes.append(plusIsSpace && first == "+" ? 0x20 : UInt8(ascii: first.unicodeScalars.first ?? " "))
                rest = rest.dropFirst()
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
