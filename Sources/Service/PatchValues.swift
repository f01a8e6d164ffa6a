import JSON

/// The `value` members of a PATCH body read straight from their text to Float32 by the
/// tensor reader (one correct rounding), in operation order: what ``PatchOperation/parseBody(_:)``
/// puts in place of the values its `JSONValue` tree rounded through Double.
enum PatchValues {
    /// One entry per operation (`{"ops": [...]}`) or a single entry (a lone op); nil where the
    /// op's `value` is neither a number nor an array. Read after the tree's checks passed.
    static func read(_ body: [UInt8]) throws(JSONError) -> [JSONFloatTensor?] {
        var reader = try JSONReader(body)
        try reader.beginObject()
        var values: [JSONFloatTensor?] = []
        var single: JSONFloatTensor?
        var isList = false
        while let key = try reader.nextKey() {
            switch key {
            case "ops":
                isList = true
                try reader.beginArray()
                while try reader.nextElement() { values.append(try operationValue(&reader)) }
            case "value":
                single = try numeric(&reader)
            default:
                try reader.skipValue()
            }
        }
        try reader.finish()
        return isList ? values : [single]
    }

    /// The `value` of the op object next in `reader`.
    private static func operationValue(_ reader: inout JSONReader) throws(JSONError) -> JSONFloatTensor? {
        guard try reader.peekKind() == .object else {
            try reader.skipValue()
            return nil
        }
        try reader.beginObject()
        var value: JSONFloatTensor?
        while let key = try reader.nextKey() {
            if key == "value" { value = try numeric(&reader) } else { try reader.skipValue() }
        }
        return value
    }

    private static func numeric(_ reader: inout JSONReader) throws(JSONError) -> JSONFloatTensor? {
        switch try reader.peekKind() {
        case .number, .array: return try reader.readFloatTensor()
        default:
            try reader.skipValue()
            return nil
        }
    }
}
