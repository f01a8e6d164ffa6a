extension JSONScanner {
    /// Parses one value at `position` into a ``JSONValue`` tree.
    ///
    /// Iterative, so nesting depth is bounded by `maxDepth` alone and never by the thread's
    /// stack: `[[[[…` 100 000 deep is a `.tooDeep` error, not a crash. Finished elements of all
    /// open containers share one flat stack (as yyjson and simdjson do): a container is built
    /// once, at its closing bracket, at its final size, so there is no per-container growth
    /// and an object's dictionary is created with the capacity it needs.
    ///
    /// - Parameter depth: how many containers already enclose this value.
    mutating func scanValue(maxDepth: Int, depth: Int) throws(JSONError) -> JSONValue {
        /// An open container: whether it is an object, and where its elements start in
        /// `elements` (and, for objects, in `keys`).
        var open: [(isObject: Bool, start: Int, keyStart: Int)] = []
        var elements: [JSONValue] = []
        var keys: [(key: String, offset: Int)] = []

        parsing: while true {
            var value: JSONValue
            let byte = try peekByte()
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth + open.count < maxDepth else {
                    throw .tooDeep(limit: maxDepth, location(position))
                }
                position += 1
                let isObject = byte == UInt8(ascii: "{")
                if try peekByte() == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    position += 1
                    value = isObject ? .object([:]) : .array([])
                } else {
                    open.append((isObject, elements.count, keys.count))
                    if isObject { keys.append(try scanKey()) }
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

            // Hand the finished value to its container; build containers that close here.
            while let container = open.last {
                elements.append(value)
                if container.isObject {
                    guard try !scanObjectSeparator() else {
                        keys.append(try scanKey())
                        continue parsing
                    }
                    value = .object(try buildObject(elements[container.start...], keys[container.keyStart...]))
                    keys.removeSubrange(container.keyStart...)
                } else {
                    if try scanArraySeparator() { continue parsing }
                    value = .array(Array(elements[container.start...]))
                }
                elements.removeSubrange(container.start...)
                open.removeLast()
            }
            return value
        }
    }

    /// Builds an object's dictionary, refusing a key that appears twice (at its second place).
    private func buildObject(
        _ values: ArraySlice<JSONValue>, _ keys: ArraySlice<(key: String, offset: Int)>
    ) throws(JSONError) -> [String: JSONValue] {
        var members = [String: JSONValue](minimumCapacity: keys.count)
        for (member, value) in zip(keys, values) where members.updateValue(value, forKey: member.key) != nil {
            throw .duplicateKey(member.key, location(member.offset))
        }
        return members
    }
}
