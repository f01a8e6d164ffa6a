extension JSONValue {
    /// Parses a complete UTF-8 JSON document (RFC 8259).
    ///
    /// Strict: no trailing commas, comments, leading zeros, single quotes, NaN or a byte-order
    /// mark; strings must be valid UTF-8 with paired surrogate escapes; duplicate keys in an
    /// object are refused. Numbers become the nearest Double; one beyond Double's range
    /// (`1e400`) is `.numberOutOfRange`, one below it underflows to zero as IEEE 754 does.
    ///
    /// - Throws: ``JSONError`` naming the reason and the line and column.
    public init(parsing bytes: [UInt8], limits: JSONLimits = JSONLimits()) throws(JSONError) {
        var reader = try JSONReader(bytes, limits: limits)
        self = try reader.readValue()
        try reader.finish()
    }

    /// Parses a complete JSON document held in a string.
    public init(parsing text: String, limits: JSONLimits = JSONLimits()) throws(JSONError) {
        try self.init(parsing: Array(text.utf8), limits: limits)
    }

    /// Parses a complete document in borrowed memory, without copying it (e.g. a memory-mapped
    /// file or a buffer of another library); same rules as ``init(parsing:limits:)``.
    public init(parsing buffer: UnsafeRawBufferPointer, limits: JSONLimits = JSONLimits()) throws(JSONError) {
        guard buffer.count <= limits.maxBytes else {
            throw .documentTooLarge(size: buffer.count, limit: limits.maxBytes)
        }
        var scanner = JSONScanner(buffer.assumingMemoryBound(to: UInt8.self), position: 0)
        self = try scanner.scanValue(maxDepth: limits.maxDepth, depth: 0)
        try scanner.expectEndOfDocument()
    }
}
