extension JSONReader {
    /// Reads a string value.
    public mutating func readString() throws(JSONError) -> String {
        guard case .string(let text) = try readScalar(.string) else { preconditionFailure() }
        return text
    }

    /// Reads a number value as a Double.
    public mutating func readDouble() throws(JSONError) -> Double {
        guard case .number(let number) = try readScalar(.number) else { preconditionFailure() }
        return number
    }

    /// Reads `true` or `false`.
    public mutating func readBool() throws(JSONError) -> Bool {
        guard case .bool(let flag) = try readScalar(.bool) else { preconditionFailure() }
        return flag
    }

    /// Consumes `null` if it comes next and returns true; otherwise consumes nothing.
    public mutating func readNullIfPresent() throws(JSONError) -> Bool {
        guard try peekKind() == .null else { return false }
        _ = try readValue()
        return true
    }

    /// Reads a value that must be of `kind`; otherwise throws `.unexpectedByte` at its start.
    private mutating func readScalar(_ kind: JSONKind) throws(JSONError) -> JSONValue {
        guard try peekKind() == kind else {
            let expected: JSONExpectation =
                switch kind {
                case .string: .string
                case .number: .number
                default: .bool
                }
            throw unexpectedValue(expected)
        }
        return try readValue()
    }
}
