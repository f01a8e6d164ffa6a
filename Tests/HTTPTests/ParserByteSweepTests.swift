import Testing
@testable import HTTP

/// Every byte value 0–255 through the field-name, field-value and method grammars.
struct ParserByteSweepTests {
    static let tokenPunctuation = Array("!#$%&'*+-.^_`|~".utf8)

    static func isTokenByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            || tokenPunctuation.contains(byte)
    }

    static func request(field: [UInt8]) -> [UInt8] {
        Array("GET / HTTP/1.1\r\nHost: h\r\n".utf8) + field + Array("\r\n\r\n".utf8)
    }

    @Test(arguments: 0...255)
    func fieldNameByte(_ value: Int) throws {
        let byte = UInt8(value)
        let raw = Self.request(field: [UInt8(ascii: "X"), byte, UInt8(ascii: "Y")] + Array(": v".utf8))
        let result = Result { () throws(HTTPParseError) in try parseMessages([raw]) }
        switch byte {
        case _ where Self.isTokenByte(byte):
            let message = try #require(try result.get().first)
            #expect(message.headers.last == [String(decoding: [0x58, byte, 0x59], as: UTF8.self), "v"])
        case UInt8(ascii: ":"):
            let message = try #require(try result.get().first)
            #expect(message.headers.last == ["X", "Y: v"])
        case lf:
            #expect(throws: HTTPParseError.bareLineFeed) { try result.get() }
        default:
            #expect(throws: HTTPParseError.invalidHeaderName) { try result.get() }
        }
    }

    @Test(arguments: 0...255)
    func fieldValueByte(_ value: Int) throws {
        let byte = UInt8(value)
        let raw = Self.request(field: Array("X: a".utf8) + [byte, UInt8(ascii: "b")])
        let result = Result { () throws(HTTPParseError) in try parseMessages([raw]) }
        switch byte {
        case htab, sp, 0x21...0x7E, 0x80...0xFF:
            let message = try #require(try result.get().first)
            #expect(message.headers.last?.first == "X")
            #expect(
                Array(message.headers.last![1].utf8)
                    == (byte >= 0x80 ? Array(String(decoding: [0x61, byte, 0x62], as: UTF8.self).utf8) : [0x61, byte, 0x62]))
        case lf:
            #expect(throws: HTTPParseError.bareLineFeed) { try result.get() }
        default:
            #expect(throws: HTTPParseError.invalidHeaderValue) { try result.get() }
        }
    }

    @Test(arguments: 0...255)
    func methodByte(_ value: Int) throws {
        let byte = UInt8(value)
        let raw = [UInt8(ascii: "G"), byte] + Array("T / HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
        let result = Result { () throws(HTTPParseError) in try parseMessages([raw]) }
        switch byte {
        case UInt8(ascii: "E"):
            #expect(try result.get().first?.method == "GET")
        case _ where Self.isTokenByte(byte):
            #expect(throws: HTTPParseError.unsupportedMethod) { try result.get() }
        case sp:
            #expect(throws: HTTPParseError.invalidRequestLine) { try result.get() }
        case lf:
            #expect(throws: HTTPParseError.bareLineFeed) { try result.get() }
        default:
            #expect(throws: HTTPParseError.invalidMethod) { try result.get() }
        }
    }

    /// Each byte in a path segment: the parser's one pass over the target and the general
    /// parser agree on the parts, or both refuse it.
    @Test(arguments: 0...255)
    func targetByte(_ value: Int) throws {
        let byte = UInt8(value)
        let raw = Array("GET /a/x".utf8) + [byte] + Array("y/b HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
        let result = Result { () throws(HTTPParseError) in try parseMessages([raw]) }
        switch byte {
        case sp:
            #expect(throws: HTTPParseError.invalidRequestLine) { try result.get() }
        case lf:
            #expect(throws: HTTPParseError.bareLineFeed) { try result.get() }
        case 0x21...0x7E where byte != UInt8(ascii: "#") && byte != UInt8(ascii: "%"):
            // parseMessages compares the head's parts with the general parser's (expectEagerValues).
            #expect(try result.get().count == 1)
        default:
            #expect(throws: HTTPParseError.invalidTarget) { try result.get() }
        }
    }

    /// The byte sets the parser tests membership in, against their grammars.
    @Test func byteSetsMatchTheirGrammars() {
        let unreserved = Array("-._~".utf8)
        let subDelimiters = Array("!$&'()*+,;=".utf8)
        for value in 0...255 {
            let byte = UInt8(value)
            let alphanumeric = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            let regName = alphanumeric || unreserved.contains(byte) || subDelimiters.contains(byte)
            #expect(ByteSet.token.contains(byte) == Self.isTokenByte(byte), "\(byte)")
            #expect(ByteSet.regName.contains(byte) == regName, "\(byte)")
            #expect(ByteSet.ipLiteral.contains(byte) == (regName || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "%")), "\(byte)")
            let plain = (0x21...0x7E).contains(byte) && !Array("#%?".utf8).contains(byte)
            #expect(ByteSet.plainTarget.contains(byte) == plain, "\(byte)")
        }
    }

    /// Each byte in a Host value, against RFC 3986's reg-name.
    @Test(arguments: 0...255)
    func hostByte(_ value: Int) throws {
        let byte = UInt8(value)
        let raw = Array("GET / HTTP/1.1\r\nHost: a".utf8) + [byte] + Array("b\r\n\r\n".utf8)
        let result = Result { () throws(HTTPParseError) in try parseMessages([raw]) }
        let alphanumeric = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        switch byte {
        case _ where alphanumeric || Array("-._~!$&'()*+,;=".utf8).contains(byte):
            #expect(try result.get().count == 1)
        case lf:
            #expect(throws: HTTPParseError.bareLineFeed) { try result.get() }
        case 0x00...0x08, 0x0A...0x1F, 0x7F:
            #expect(throws: HTTPParseError.invalidHeaderValue) { try result.get() }
        default:
            #expect(throws: HTTPParseError.invalidHost) { try result.get() }
        }
    }

    /// The word-at-a-time tests against byte-by-byte ones: every byte value at every place in a
    /// word of plain bytes, and beside every other byte value.
    @Test func byteWordTestsMatchBytewiseTests() {
        for value in 0...255 {
            for other in [0x00, 0x20, 0x41, 0x7E, 0x7F, 0x80, 0xFF, value] {
                for place in 0..<8 {
                    var bytes = [UInt8](repeating: UInt8(other), count: 8)
                    bytes[place] = UInt8(value)
                    let word = bytes.withUnsafeBufferPointer { ByteWord.load($0, at: 0) }
                    for bound: UInt8 in [1, 0x20, 0x21, 0x7E] where bound <= 128 {
                        #expect(ByteWord.hasByte(word, below: bound) == bytes.contains { $0 < bound }, "\(bytes) < \(bound)")
                    }
                    #expect(ByteWord.hasByte(word, above: 0x7E) == bytes.contains { $0 > 0x7E }, "\(bytes)")
                    for probe: UInt8 in [0x23, 0x25, 0x3F, 0x7F] {
                        #expect(ByteWord.hasByte(word, equalTo: probe) == bytes.contains(probe), "\(bytes) has \(probe)")
                    }
                }
            }
        }
    }

    /// A byte far into a long value and a long target, where whole words are skipped.
    @Test(arguments: 0...255)
    func byteDeepInALongValueAndTarget(_ value: Int) throws {
        let byte = UInt8(value)
        let long = [UInt8](repeating: UInt8(ascii: "a"), count: 19)
        let field = Result { () throws(HTTPParseError) in try parseMessages([Self.request(field: Array("X: ".utf8) + long + [byte] + long)])
        }
        switch byte {
        case htab, sp, 0x21...0x7E, 0x80...0xFF:
            #expect(try field.get().first?.headers.last?[1].utf8.count == (byte >= 0x80 ? 41 : 39))
        case lf:
            #expect(throws: HTTPParseError.bareLineFeed) { try field.get() }
        default:
            #expect(throws: HTTPParseError.invalidHeaderValue) { try field.get() }
        }
        let raw = Array("GET /".utf8) + long + [byte] + long + Array(" HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
        let target = Result { () throws(HTTPParseError) in try parseMessages([raw]) }
        switch byte {
        case sp:
            #expect(throws: HTTPParseError.invalidRequestLine) { try target.get() }
        case lf:
            #expect(throws: HTTPParseError.bareLineFeed) { try target.get() }
        case 0x21...0x7E where byte != UInt8(ascii: "#") && byte != UInt8(ascii: "%"):
            #expect(try target.get().count == 1)
        default:
            #expect(throws: HTTPParseError.invalidTarget) { try target.get() }
        }
    }
}
