/// Serializes a response's status line and fields (RFC 9112 §4–§6).
enum ResponseHead {
    enum Framing {
        case length(Int)
        case chunked
        /// No length field: no body (1xx/204/304), or a body ended by closing (HTTP/1.0 stream).
        case none
    }

    /// Fields the server owns: framing and connection management are decided here, not by handlers.
    private static func isServerOwned(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        switch name.count {
        case 10:
            HTTPHeaders.namesEqual(name, literal: "Connection") || HTTPHeaders.namesEqual(name, literal: "Request-Id")
                || HTTPHeaders.namesEqual(name, literal: "Keep-Alive")
        case 14: HTTPHeaders.namesEqual(name, literal: "Content-Length")
        case 17: HTTPHeaders.namesEqual(name, literal: "Transfer-Encoding")
        default: false
        }
    }

    /// The head's bytes, followed by `body` when given, as a new array (tests and tools; the
    /// server encodes into its connection's ``HeadBuffer`` with ``encode(_:framing:keepAlive:version:requestID:date:body:into:)``).
    static func encode(
        _ response: HTTPResponse, framing: Framing, keepAlive: Bool, version: HTTPVersion, requestID: String, date: [UInt8],
        body: [UInt8] = []
    ) -> [UInt8] {
        let buffer = HeadBuffer()
        var cache = EncodedFieldsCache()
        encode(
            response, framing: framing, keepAlive: keepAlive, version: version, requestID: requestID, date: date, body: body, into: buffer,
            cache: &cache)
        return buffer.bytes
    }

    /// Writes the head, followed by `body` (a small body rides with the head: one chunk, one
    /// iovec), into `buffer`, replacing what it held.
    ///
    /// Runs for every response, so it writes with plain copies in one pass over the fields,
    /// into storage sized by a bound known without looking at them (the fields' bytes plus
    /// their separators): measuring the head exactly first walked the fields twice, and
    /// appending literals' UTF-8 views one by one went through generic code and regrew the array.
    /// The status line and fields of a response whose fields are those of the last one (`cache`,
    /// the connection's) are copied whole.
    static func encode(
        _ response: HTTPResponse, framing: Framing, keepAlive: Bool, version: HTTPVersion, requestID: String, date: [UInt8],
        body: [UInt8] = [], into buffer: HeadBuffer, cache: inout EncodedFieldsCache
    ) {
        // "HTTP/1.1 " code(at most 20 digits) " " reason CRLF, then the fields ("name: value"
        // CRLF each).
        let cached = cache.matches(response)
        let fieldsMaximum =
            cached ? cache.bytes.count : 9 + 20 + 1 + response.status.reasonPhrase.utf8.count + 2 + response.headers.encodedByteBound
        let maximum = fieldsMaximum + serverFieldsBound(requestIDCount: requestID.utf8.count, date: date) + body.count
        buffer.rewrite(maximum: maximum) { writer in
            let hasDate: Bool
            if cached {
                cache.bytes.withUnsafeBufferPointer { writer.write(contentsOf: $0) }
                hasDate = cache.hasDate
            } else {
                let start = writer.position
                hasDate = writeStatusAndFields(of: response, into: &writer)
                cache.keep(UnsafeBufferPointer(start: start, count: writer.position - start), hasDate: hasDate, of: response)
            }
            writeDateAndIDName(hasDate: hasDate, date: date, into: &writer)
            writer.write(requestID)
            writeFramingAndEnd(framing: framing, keepAlive: keepAlive, version: version, into: &writer)
            writer.write(body)
        }
    }

    /// Writes the head of a route's constant answer, followed by its body when its `suffix`
    /// carries it: the bytes before the request id (``constantPrefix(of:date:)``), the id (the
    /// exchange's, as bytes when the server made it), the bytes after it
    /// (``constantSuffix(of:keepAlive:version:sendsBody:)``). Three copies, where writing the
    /// head piece by piece took eight and a number's digits.
    static func encode(prefix: [UInt8], exchange: Exchange, suffix: [UInt8], into buffer: HeadBuffer) {
        buffer.rewrite(maximum: prefix.count + exchange.idByteCount + suffix.count) { writer in
            prefix.withUnsafeBufferPointer { writer.write(contentsOf: $0) }
            exchange.writeID(into: &writer)
            suffix.withUnsafeBufferPointer { writer.write(contentsOf: $0) }
        }
    }

    /// A constant answer's head up to the request id's value: its status line and fields, the
    /// `date` field unless it has its own, and the id's name.
    static func constantPrefix(of answer: PrebuiltResponse, date: [UInt8]) -> [UInt8] {
        let buffer = HeadBuffer()
        buffer.rewrite(maximum: answer.statusAndFields.count + date.count + 12) { writer in
            writer.write(answer.statusAndFields)
            writeDateAndIDName(hasDate: answer.hasDate, date: date, into: &writer)
        }
        return buffer.bytes
    }

    /// A constant answer's head after the request id: Content-Length (when its status allows a
    /// body), Connection, the blank line, and the body when `sendsBody`.
    static func constantSuffix(of answer: PrebuiltResponse, keepAlive: Bool, version: HTTPVersion, sendsBody: Bool) -> [UInt8] {
        let buffer = HeadBuffer()
        buffer.rewrite(maximum: 38 + 24 + 4 + (sendsBody ? answer.body.count : 0)) { writer in
            let framing: Framing = answer.status.allowsBody ? .length(answer.body.count) : .none
            writeFramingAndEnd(framing: framing, keepAlive: keepAlive, version: version, into: &writer)
            if sendsBody { writer.write(answer.body) }
        }
        return buffer.bytes
    }

    /// The status line and fields of `response` as ``PrebuiltResponse`` keeps them; whether they
    /// include a Date.
    static func encodeStatusAndFields(of response: HTTPResponse) -> (bytes: [UInt8], hasDate: Bool) {
        let buffer = HeadBuffer()
        var hasDate = false
        buffer.rewrite(maximum: 9 + 20 + 1 + response.status.reasonPhrase.utf8.count + 2 + response.headers.encodedByteBound) { writer in
            hasDate = writeStatusAndFields(of: response, into: &writer)
        }
        return (buffer.bytes, hasDate)
    }

    /// At most how many bytes the server's fields take: Date, "Request-Id: " and an id of
    /// `requestIDCount` bytes, the framing field (at most "\r\nTransfer-Encoding: chunked", 28
    /// bytes; a length's digits at most 20), Connection (at most 24), the blank line.
    private static func serverFieldsBound(requestIDCount: Int, date: [UInt8]) -> Int {
        date.count + 12 + requestIDCount + 38 + 24 + 4
    }

    /// The server's fields after the handler's, up to the request id's value (the caller's).
    private static func writeDateAndIDName(hasDate: Bool, date: [UInt8], into writer: inout ByteWriter) {
        if !hasDate { writer.write(date) }
        writer.write("Request-Id: ")
    }

    /// The server's fields after the request id, and the blank line that ends the head.
    private static func writeFramingAndEnd(framing: Framing, keepAlive: Bool, version: HTTPVersion, into writer: inout ByteWriter) {
        switch framing {
        case .length(let length):
            writer.write("\r\nContent-Length: ")
            writer.writeDecimal(length)
        case .chunked:
            writer.write("\r\nTransfer-Encoding: chunked")
        case .none:
            break
        }
        if !keepAlive {
            writer.write("\r\nConnection: close")
        } else if version == .http1_0 {
            writer.write("\r\nConnection: keep-alive")
        }
        writer.write("\r\n\r\n")
    }

    /// The status line and the handler's fields, without the server's own; whether they include
    /// a Date.
    private static func writeStatusAndFields(of response: HTTPResponse, into writer: inout ByteWriter) -> Bool {
        writer.write("HTTP/1.1 ")
        writer.writeDecimal(response.status.code)
        writer.write(" ")
        writer.writeSafe(response.status.reasonPhrase)
        writer.write("\r\n")
        var hasDate = false
        response.headers.forEachField { name, value in
            guard !isServerOwned(name) else { return }
            if !hasDate && name.count == 4 && HTTPHeaders.namesEqual(name, literal: "Date") { hasDate = true }
            writer.writeSafe(contentsOf: name)
            writer.write(": ")
            writer.writeSafe(contentsOf: value)
            writer.write("\r\n")
        }
        return hasDate
    }
}
