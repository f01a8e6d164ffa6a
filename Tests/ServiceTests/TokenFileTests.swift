import Foundation
import Testing
@testable import Service

struct TokenFileTests {
    /// SHA-256("test"), as `printf %s test | sha256sum` prints it.
    static let testDigest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

    @Test func readsHashedAndPlainTokensCommentsAndBlankLines() throws {
        let tokens = try TokenFile.parse(
            """
            # inference clients
            sha256:\(Self.testDigest) read,infer

              plain-writer\twrite\r
            ADMIN:TOKEN admin
            """)
        #expect(tokens.tokens.count == 3)
        #expect(tokens.scopes(of: Array("test".utf8)[...]) == [.read, .infer])
        #expect(tokens.scopes(of: Array("plain-writer".utf8)[...]) == [.write])
        #expect(tokens.scopes(of: Array("ADMIN:TOKEN".utf8)[...]) == [.admin])
        #expect(tokens.scopes(of: Array("tes".utf8)[...]) == nil)
    }

    @Test func upperCaseHexIsTheSameDigest() throws {
        let tokens = try TokenFile.parse("sha256:\(Self.testDigest.uppercased()) read")
        #expect(tokens.scopes(of: Array("test".utf8)[...]) == [.read])
    }

    @Test func anEmptyFileAcceptsNoToken() throws {
        #expect(try TokenFile.parse("").tokens.isEmpty)
        #expect(try TokenFile.parse("# nobody yet\n").tokens.isEmpty)
    }

    @Test(arguments: [
        ("tokenwithoutscopes", "line 1: expected a token and its scopes"),
        ("a read extra", "line 1: expected a token and its scopes"),
        ("a reed", "line 1: unknown scope \"reed\""),
        ("a read,", "line 1: unknown scope \"\""),
        ("a READ", "line 1: unknown scope \"READ\""),
        ("sha256:abc read", "line 1: after sha256: come exactly 64 hex digits"),
        ("sha256:\(String(repeating: "g", count: 64)) read", "line 1: after sha256: come exactly 64 hex digits"),
        ("# ok\nsame read\nsame write", "line 3: the same token as on line 2"),
        ("sha256:\(testDigest) read\ntest infer", "line 2: the same token as on line 1"),
        ("tök read", "line 1: a plain token must be visible ASCII")
    ])
    func refusesAMalformedFileWholeNamingTheLine(_ text: String, _ message: String) {
        #expect {
            try TokenFile.parse(text)
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test func errorsNeverQuoteTheToken() {
        #expect {
            try TokenFile.parse("sup3r-secret read,bogus")
        } throws: { error in
            !"\(error)".contains("sup3r-secret")
        }
    }

    @Test func anUnreadableFileIsAClearError() {
        #expect(throws: TokenFile.Invalid(line: nil, reason: "cannot read /nonexistent/tokens")) {
            try TokenFile.load(path: "/nonexistent/tokens")
        }
    }

    @Test func loadsFromDisk() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UUID().uuidString)")
        try Data("reader read\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try TokenFile.load(path: url.path).scopes(of: Array("reader".utf8)[...]) == [.read])
    }
}
