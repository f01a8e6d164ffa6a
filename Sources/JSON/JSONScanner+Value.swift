extension JSONScanner {
    /// Parses one value at `position` into a ``JSONValue`` tree.
    ///
    /// Iterative, with explicit stacks, so nesting depth is bounded by `maxDepth` alone and
    /// never by the thread's stack: `[[[[…` 100 000 deep is a `.tooDeep` error, not a crash.
    /// Arrays and objects under construction live in stacks that are mutated in place, so
    /// appending never copies a partly built array.
    ///
    /// - Parameter depth: how many containers already enclose this value.
    mutating func scanValue(maxDepth: Int, depth: Int) throws(JSONError) -> JSONValue {
        var isObjectStack: [Bool] = []
        var arrays: [[JSONValue]] = []
        var objects: [[String: JSONValue]] = []
        var keys: [String] = []

        parsing: while true {
            var value: JSONValue
            let byte = try peekByte()
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth + isObjectStack.count < maxDepth else {
                    throw .tooDeep(limit: maxDepth, location(position))
                }
                position += 1
                let isObject = byte == UInt8(ascii: "{")
                let closing = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if try peekByte() == closing {
                    position += 1
                    value = isObject ? .object([:]) : .array([])
                } else if isObject {
                    isObjectStack.append(true)
                    objects.append([:])
                    keys.append(try scanKey().key)
                    continue parsing
                } else {
                    isObjectStack.append(false)
                    arrays.append([])
                    continue parsing
                }
            case UInt8(ascii: "\""):
                value = .string(try scanString())
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                value = try scanLiteral()
            default:
                guard Self.isNumberStart(byte) else { throw unexpected(.value) }
                let start = position
                guard let number = doubleValue(try scanNumber()) else {
                    throw .numberOutOfRange(location(start))
                }
                value = .number(number)
            }

            // Hand the finished value to its container; close containers that end here.
            while let isObject = isObjectStack.last {
                if isObject {
                    objects[objects.count - 1][keys.removeLast()] = value
                    if try scanObjectSeparator() {
                        let (key, offset) = try scanKey()
                        guard objects[objects.count - 1][key] == nil else {
                            throw .duplicateKey(key, location(offset))
                        }
                        keys.append(key)
                        continue parsing
                    }
                    value = .object(objects.removeLast())
                } else {
                    arrays[arrays.count - 1].append(value)
                    if try scanArraySeparator() { continue parsing }
                    value = .array(arrays.removeLast())
                }
                isObjectStack.removeLast()
            }
            return value
        }
    }
}
