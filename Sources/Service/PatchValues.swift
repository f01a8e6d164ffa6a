import JSON

/// The `value` members of a PATCH body, read straight from the body's text to Float32 by the
/// tensor reader (one correct rounding, no `JSONValue` per number), one operation at a time as
/// ``PatchOperation/parseBody(_:)`` reaches it, so a value that does not read fails in its
/// operation's turn and its error points into the body.
struct PatchValues {
    private var reader: JSONReader
    private let isList: Bool

    /// A reader at the first operation of `body`: the elements of `ops` when `isList`, else
    /// the body itself as the one operation. The body already parsed as a tree with these
    /// members, so finding them cannot fail.
    init(_ body: [UInt8], isList: Bool) throws(JSONError) {
        reader = try JSONReader(body)
        self.isList = isList
        guard isList else { return }
        try reader.beginObject()
        while let key = try reader.nextKey() {
            if key == "ops" {
                try reader.beginArray()
                return
            }
            try reader.skipValue()
        }
    }

    /// The `value` of the next operation; nil when it is neither a number nor an array (the
    /// tree's checks name what it should be).
    mutating func next() throws(JSONError) -> JSONFloatTensor? {
        if isList {
            guard try reader.nextElement() else { return nil }
            guard try reader.peekKind() == .object else {
                try reader.skipValue()
                return nil
            }
        }
        try reader.beginObject()
        var value: JSONFloatTensor?
        while let key = try reader.nextKey() {
            if key == "value", value == nil { value = try numeric() } else { try reader.skipValue() }
        }
        return value
    }

    private mutating func numeric() throws(JSONError) -> JSONFloatTensor? {
        switch try reader.peekKind() {
        case .number, .array: return try reader.readFloatTensor()
        default:
            try reader.skipValue()
            return nil
        }
    }
}
