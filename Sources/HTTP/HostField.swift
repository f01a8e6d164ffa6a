/// The grammar of a Host field value (RFC 9110 §7.2: `uri-host [ ":" port ]`), checked because
/// RFC 9112 §3.2 requires a 400 for an invalid one, as for a missing or repeated Host: a
/// server that routes or logs by Host must not accept what another server would read differently.
enum HostField {
    /// Whether `value` (already trimmed of whitespace by the parser) is a valid Host value: empty
    /// (allowed when the target has no authority), an IP literal in brackets, or a reg-name /
    /// IPv4 address, each optionally followed by `:` and decimal digits.
    static func isValid(_ value: String) -> Bool {
        // Over the contiguous bytes: every request has a Host, and walking a Substring's UTF-8
        // view index by index cost a microsecond-scale share of a small GET.
        var value = value
        return value.withUTF8 { isValid(bytes: $0) }
    }

    /// ``isValid(_:)`` over the field's bytes, as the parser holds them.
    static func isValid(bytes value: UnsafeBufferPointer<UInt8>) -> Bool {
        var bytes = value[...]
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")) else { return false }
            let literal = bytes[(bytes.startIndex + 1)..<close]
            guard !literal.isEmpty, literal.allSatisfy(isIPLiteralByte) else { return false }
            bytes = bytes[(close + 1)...]
        } else {
            let hostEnd = bytes.firstIndex(of: UInt8(ascii: ":")) ?? bytes.endIndex
            guard isRegName(bytes[..<hostEnd]) else { return false }
            bytes = bytes[hostEnd...]
        }
        guard let colon = bytes.first else { return true }
        guard colon == UInt8(ascii: ":") else { return false }
        return bytes.dropFirst().allSatisfy { (0x30...0x39).contains($0) }
    }

    /// `*( unreserved / pct-encoded / sub-delims )` (RFC 3986 §3.2.2); IPv4 addresses fit it.
    private static func isRegName(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, isHexDigit(bytes[index + 1]), isHexDigit(bytes[index + 2]) else { return false }
                index += 3
                continue
            }
            guard isUnreserved(byte) || isSubDelimiter(byte) else { return false }
            index += 1
        }
        return true
    }

    /// Bytes of an IPv6 address (with an RFC 6874 zone, `%25eth0`) or IPvFuture literal (RFC 3986
    /// §3.2.2); the exact address form is not checked, only that nothing outside its alphabet
    /// hides in the brackets.
    private static func isIPLiteralByte(_ byte: UInt8) -> Bool {
        isUnreserved(byte) || isSubDelimiter(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "%")
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    private static func isSubDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="):
            true
        default:
            false
        }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte | 0x20)
    }
}
