/// Serializes a response's status line and fields (RFC 9112 §4–§6).
enum ResponseHead {
    enum Framing {
        case length(Int)
        case chunked
        /// No length field: no body (1xx/204/304), or a body ended by closing (HTTP/1.0 stream).
        case none
    }

    /// Fields the server owns: framing and connection management are decided here, not by handlers.
    private static func isServerOwned(_ name: String) -> Bool {
        switch name.utf8.count {
        case 10:
            HTTPHeaders.namesEqual(name, "Connection") || HTTPHeaders.namesEqual(name, "Request-Id")
                || HTTPHeaders.namesEqual(name, "Keep-Alive")
        case 14: HTTPHeaders.namesEqual(name, "Content-Length")
        case 17: HTTPHeaders.namesEqual(name, "Transfer-Encoding")
        default: false
        }
    }

    /// The head's bytes, followed by `body` when given (a small body rides in the head's array:
    /// one chunk, one iovec).
    ///
    /// Runs for every response, so it measures the head first and writes it into one array of
    /// exactly that size with plain copies: appending literals' UTF-8 views one by one went
    /// through generic code and regrew the array (the second largest user-space cost of a GET).
    static func encode(
        _ response: HTTPResponse, framing: Framing, keepAlive: Bool, version: HTTPVersion, requestID: String, date: [UInt8],
        body: [UInt8] = []
    ) -> [UInt8] {
        let connection: StaticString? = !keepAlive ? "\r\nConnection: close" : version == .http1_0 ? "\r\nConnection: keep-alive" : nil
        var count = 9 + 4 + response.status.reasonPhrase.utf8.count + 2  // "HTTP/1.1 200 " reason CRLF
        var hasDate = false
        for (name, value) in response.headers where !isServerOwned(name) {
            if !hasDate && name.utf8.count == 4 && HTTPHeaders.namesEqual(name, "Date") { hasDate = true }
            count += name.utf8.count + 2 + value.utf8.count + 2
        }
        if !hasDate { count += date.count }
        count += 12 + requestID.utf8.count  // "Request-Id: " id
        switch framing {
        case .length(let length): count += 18 + decimalDigits(length)
        case .chunked: count += 28
        case .none: break
        }
        count += (connection?.utf8CodeUnitCount ?? 0) + 4 + body.count
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var writer = ByteWriter(buffer.baseAddress!)
            writer.write("HTTP/1.1 ")
            writer.writeDecimal(response.status.code)
            writer.write(" ")
            writer.writeSafe(response.status.reasonPhrase)
            writer.write("\r\n")
            for (name, value) in response.headers where !isServerOwned(name) {
                writer.writeSafe(name)
                writer.write(": ")
                writer.writeSafe(value)
                writer.write("\r\n")
            }
            if !hasDate { writer.write(date) }
            writer.write("Request-Id: ")
            writer.write(requestID)
            switch framing {
            case .length(let length):
                writer.write("\r\nContent-Length: ")
                writer.writeDecimal(length)
            case .chunked:
                writer.write("\r\nTransfer-Encoding: chunked")
            case .none:
                break
            }
            if let connection { writer.write(connection) }
            writer.write("\r\n\r\n")
            writer.write(body)
            initialized = writer.position - buffer.baseAddress!
            precondition(initialized == count, "response head measured \(count) bytes, wrote \(initialized)")
        }
    }

    private static func decimalDigits(_ value: Int) -> Int {
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        return digits
    }

    /// A cursor writing into memory measured beforehand.
    private struct ByteWriter {
        var position: UnsafeMutablePointer<UInt8>

        init(_ start: UnsafeMutablePointer<UInt8>) { position = start }

        mutating func write(_ literal: StaticString) {
            position.update(from: literal.utf8Start, count: literal.utf8CodeUnitCount)
            position += literal.utf8CodeUnitCount
        }

        mutating func write(_ bytes: [UInt8]) {
            bytes.withUnsafeBufferPointer { source in
                guard let base = source.baseAddress else { return }
                position.update(from: base, count: source.count)
                position += source.count
            }
        }

        mutating func write(_ text: String) {
            var text = text
            text.withUTF8 { source in
                guard let base = source.baseAddress else { return }
                position.update(from: base, count: source.count)
                position += source.count
            }
        }

        /// Text with CR, LF and NUL replaced by spaces, so no handler value can split the
        /// response or inject fields.
        mutating func writeSafe(_ text: String) {
            let start = position
            write(text)
            var byte = start
            while byte < position {
                if byte.pointee == cr || byte.pointee == lf || byte.pointee == 0 { byte.pointee = sp }
                byte += 1
            }
        }

        mutating func writeDecimal(_ value: Int) {
            let digits = ResponseHead.decimalDigits(value)
            var rest = value
            for offset in stride(from: digits - 1, through: 0, by: -1) {
                position[offset] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            position += digits
        }
    }
}
