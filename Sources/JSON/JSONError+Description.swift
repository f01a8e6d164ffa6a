extension JSONError: CustomStringConvertible {
    /// A sentence naming the place and the reason, fit for a problem+json `detail`.
    public var description: String {
        switch self {
        case .documentTooLarge(let size, let limit):
            return "the JSON document has \(size) bytes, more than the limit of \(limit)"
        default:
            guard let location else { return reason }
            return "\(location): \(reason)"
        }
    }

    /// The reason alone, without the location.
    public var reason: String {
        switch self {
        case .unexpectedEnd:
            return "the document ends before the value is complete"
        case .unexpectedByte(let byte, let expected, _):
            return "expected \(expected.rawValue) but found \(Self.show(byte))"
        case .trailingComma:
            return "a comma must be followed by another element, not the end of the list"
        case .leadingZero:
            return "numbers may not have leading zeros"
        case .numberOutOfRange:
            return "the number is too large to represent"
        case .controlCharacterInString(let byte, _):
            return "control character \(Self.show(byte)) must be escaped inside a string"
        case .invalidEscape(let byte, _):
            return "\\\(Self.show(byte)) is not a valid escape sequence"
        case .loneSurrogate(let unit, _):
            let hex = String(unit, radix: 16, uppercase: true)
            return "\\u\(hex) is half of a UTF-16 surrogate pair without its other half"
        case .invalidUTF8:
            return "the text is not valid UTF-8"
        case .duplicateKey(let key, _):
            return "the key \"\(key)\" appears twice in the same object"
        case .tooDeep(let limit, _):
            return "arrays and objects are nested more than \(limit) deep"
        case .documentTooLarge(let size, let limit):
            return "the JSON document has \(size) bytes, more than the limit of \(limit)"
        case .trailingData:
            return "unexpected data after the end of the document"
        case .raggedArray(let index, let expected, let found, _):
            return "the array at \(Self.path(index)) has \(found) elements but earlier arrays "
                + "at the same depth have \(expected): a tensor must be rectangular"
        case .inconsistentNesting(let index, _):
            return "the element at \(Self.path(index)) is nested differently from the first "
                + "element: a tensor must be rectangular"
        case .notANumber(let index, _):
            return "the element at \(Self.path(index)) is not a number"
        case .elementOutOfRange(let index, _):
            return "the element at \(Self.path(index)) is outside the finite range of Float32"
        case .tooManyElements(let limit, _):
            return "the tensor has more than \(limit) elements"
        }
    }

    /// `[3][1]`, or `the top level` for a 0-d value.
    static func path(_ index: [Int]) -> String {
        index.isEmpty ? "the top level" : index.map { "[\($0)]" }.joined()
    }

    /// A byte shown as a person would read it: `'x'` for printable ASCII, `0x0A` otherwise.
    static func show(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F {
            return "'\(Character(Unicode.Scalar(byte)))'"
        }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x" + (hex.count == 1 ? "0" + hex : hex)
    }
}
