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
        response.headers.forEachField { name, value in
            guard !isServerOwned(name) else { return }
            if !hasDate && name.count == 4 && HTTPHeaders.namesEqual(name, literal: "Date") { hasDate = true }
            count += name.count + 2 + value.count + 2
        }
        if !hasDate { count += date.count }
        count += 12 + requestID.utf8.count  // "Request-Id: " id
        switch framing {
        case .length(let length): count += 18 + ByteWriter.decimalDigits(length)
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
            response.headers.forEachField { name, value in
                guard !isServerOwned(name) else { return }
                writer.writeSafe(contentsOf: name)
                writer.write(": ")
                writer.writeSafe(contentsOf: value)
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
}
