extension JSONScanner {
    /// Scans a string whose opening quote is at `position` and returns its contents.
    ///
    /// The common case (ASCII without escapes) is one tight loop and one copy; escapes and
    /// multi-byte UTF-8 take the slower path, which validates UTF-8 strictly (RFC 3629: no
    /// overlong forms, no surrogates, nothing above U+10FFFF) and requires surrogate escapes
    /// to come in pairs.
    mutating func scanString() throws(JSONError) -> String {
        let start = position + 1
        var p = start
        let count = bytes.count
        while p < count {
            let byte = bytes[p]
            if byte == UInt8(ascii: "\"") {
                position = p + 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<p]), as: UTF8.self)
            }
            guard byte >= 0x20 && byte < 0x80 && byte != UInt8(ascii: "\\") else { break }
            p += 1
        }
        var decoded = [UInt8]()
        decoded.reserveCapacity(p - start + 16)
        decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<p]))
        while true {
            guard p < count else { throw .unexpectedEnd(location(p)) }
            let byte = bytes[p]
            switch byte {
            case UInt8(ascii: "\""):
                position = p + 1
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                p = try scanEscape(at: p, into: &decoded)
            case 0..<0x20:
                throw .controlCharacterInString(byte, location(p))
            case 0x80...:
                let length = try validateUTF8Sequence(at: p)
                decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[p..<p + length]))
                p += length
            default:
                decoded.append(byte)
                p += 1
            }
        }
    }

    /// Decodes the escape whose backslash is at `offset`, appends its UTF-8, and returns the
    /// offset after it.
    private func scanEscape(at offset: Int, into decoded: inout [UInt8]) throws(JSONError) -> Int {
        guard offset + 1 < bytes.count else { throw .unexpectedEnd(location(bytes.count)) }
        let code = bytes[offset + 1]
        let simple: UInt8? =
            switch code {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): code
            case UInt8(ascii: "b"): 0x08
            case UInt8(ascii: "f"): 0x0C
            case UInt8(ascii: "n"): 0x0A
            case UInt8(ascii: "r"): 0x0D
            case UInt8(ascii: "t"): 0x09
            default: nil
            }
        if let simple {
            decoded.append(simple)
            return offset + 2
        }
        guard code == UInt8(ascii: "u") else { throw .invalidEscape(code, location(offset + 1)) }
        let unit = try hexQuad(at: offset + 2)
        var scalarValue = UInt32(unit)
        var next = offset + 6
        if unit >= 0xDC00 && unit <= 0xDFFF {
            throw .loneSurrogate(unit, location(offset))
        }
        if unit >= 0xD800 && unit <= 0xDBFF {
            guard next + 1 < bytes.count, bytes[next] == UInt8(ascii: "\\"), bytes[next + 1] == UInt8(ascii: "u")
            else { throw .loneSurrogate(unit, location(offset)) }
            let low = try hexQuad(at: next + 2)
            guard low >= 0xDC00 && low <= 0xDFFF else { throw .loneSurrogate(unit, location(offset)) }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            next += 6
        }
        // Every value here is a valid scalar: surrogates were handled above.
        let scalar = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
        decoded.append(contentsOf: UTF8.encode(scalar)!)
        return next
    }

    /// The 16-bit value of four hexadecimal digits at `offset`.
    private func hexQuad(at offset: Int) throws(JSONError) -> UInt16 {
        var value: UInt16 = 0
        for index in offset..<offset + 4 {
            guard index < bytes.count else { throw .unexpectedEnd(location(bytes.count)) }
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .unexpectedByte(byte, expected: .hexDigit, location(index))
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    /// The length of the well-formed UTF-8 sequence starting at `offset` (Unicode Table 3-7).
    private func validateUTF8Sequence(at offset: Int) throws(JSONError) -> Int {
        let lead = bytes[offset]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: throw .invalidUTF8(location(offset))
        }
        guard offset + length <= bytes.count else { throw .invalidUTF8(location(offset)) }
        guard secondRange.contains(bytes[offset + 1]) else { throw .invalidUTF8(location(offset)) }
        for index in offset + 2..<offset + length where bytes[index] & 0xC0 != 0x80 {
            throw .invalidUTF8(location(offset))
        }
        return length
    }
}
