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
}
