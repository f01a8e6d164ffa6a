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
