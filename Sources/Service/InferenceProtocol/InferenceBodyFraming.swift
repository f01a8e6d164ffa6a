/// Where the JSON part and the binary part of an inference body are, per Triton's binary tensor
/// data extension: `Inference-Header-Content-Length` is the JSON part's length, the binary
/// tensors follow it back to back, and `Content-Length` stays the whole body's.
struct InferenceBodyFraming: Equatable, Sendable {
    /// The header that carries the JSON part's length (matched case-insensitively, like every field).
    static let headerName = "Inference-Header-Content-Length"

    /// Bytes `0..<jsonLength` are JSON, the rest binary.
    let jsonLength: Int
    /// Whether the request declared a binary part (the header was present).
    let hasBinaryPart: Bool

    /// Splits a body of `bodyLength` bytes by the header's value (nil: no header, all JSON).
    /// - Throws: when the value is not a plain decimal count (signs, spaces inside, more than
    ///   18 digits), is 0, or exceeds the body.
    init(bodyLength: Int, headerValue: String?) throws(InferenceProtocolError) {
        guard let headerValue else {
            jsonLength = bodyLength
            hasBinaryPart = false
            return
        }
        let text = headerValue.trimmingSpaces
        // 18 digits cannot overflow Int; no body is that long anyway.
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let length = Int(text)
        else {
            throw .invalidHeaderLength(String(headerValue.prefix(64)))
        }
        guard length > 0 else { throw .headerLengthZero }
        guard length <= bodyLength else { throw .headerLengthPastBody(headerLength: length, bodyLength: bodyLength) }
        jsonLength = length
        hasBinaryPart = true
    }
}
