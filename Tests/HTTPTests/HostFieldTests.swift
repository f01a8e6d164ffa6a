import Testing
@testable import HTTP

/// Host values that clients really send are accepted; the grammar's edges are decided by
/// ``HostField`` (the malformed ones are in ParserMalformedTests, each with its 400).
struct HostFieldTests {
    @Test(arguments: [
        "example.com", "localhost:8080", "127.0.0.1", "127.0.0.1:0", "[::1]", "[::1]:8080",
        "[v7.fe80::1%25eth0]", "a-b_c~d.e", "xn--bcher-kva.example", "a%20b", "", "host:"
    ])
    func acceptsValidHosts(value: String) throws {
        #expect(HostField.isValid(value))
        let head = try parseHead("GET / HTTP/1.1\r\nHost: \(value)\r\n\r\n")
        #expect(head != nil)
    }

    @Test(arguments: ["a b", "a/b", "a?b", "a#b", "user@host", "[::1", "[]", "[::1]x", "a:1:2", "a:-1", "%4", "a\"b", "<x>"])
    func refusesInvalidHosts(value: String) {
        #expect(!HostField.isValid(value))
        #expect(parseError(Array("GET / HTTP/1.1\r\nHost: \(value)\r\n\r\n".utf8)) == .invalidHost)
    }

    /// The connection's memory of its last valid Host never changes a verdict: every value
    /// after every other one (same lengths, one byte apart, longer than it keeps) is judged as
    /// the grammar judges it, and a refused Host is refused again when repeated.
    @Test func aRememberedHostChangesNoVerdict() throws {
        let long = String(repeating: "h", count: 40)
        let values = [
            "127.0.0.1:8080", "127.0.0.1:8080", "127.0.0.1 8080", "127.0.0.1:8081", "", "a", "a", "[::1]", "[::1",
            long, long, long + " ", "a b", "a b", "127.0.0.1:8080"
        ]
        var recent = RecentHost()
        for (index, value) in values.enumerated() {
            let bytes = Array(value.utf8)
            let verdict = bytes.withUnsafeBufferPointer { recent.isValid($0) }
            #expect(verdict == HostField.isValid(value), "\(index): \(value)")
        }
        var parser = HTTPRequestParser()
        for value in ["h:1", "h:1", "h 1", "h:1"] {
            let bytes = Array("GET / HTTP/1.1\r\nHost: \(value)\r\n\r\n".utf8)
            let result = Result { () throws(HTTPParseError) in
                try bytes.withUnsafeBufferPointer { buffer throws(HTTPParseError) in try parser.parseHead(buffer) }
            }
            if value.contains(" ") {
                #expect(throws: HTTPParseError.invalidHost) { try result.get() }
                parser = HTTPRequestParser()  // a refused head ends its connection
            } else {
                #expect(try result.get()?.0.headers["Host"] == value)
            }
        }
    }
}
