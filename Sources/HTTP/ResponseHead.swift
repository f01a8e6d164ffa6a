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
        HTTPHeaders.namesEqual(name, "Content-Length") || HTTPHeaders.namesEqual(name, "Transfer-Encoding")
            || HTTPHeaders.namesEqual(name, "Connection") || HTTPHeaders.namesEqual(name, "Request-Id")
            || HTTPHeaders.namesEqual(name, "Keep-Alive")
    }

    static func encode(
        _ response: HTTPResponse, framing: Framing, keepAlive: Bool, version: HTTPVersion, requestID: String, date: [UInt8]
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(192)
        bytes.append(contentsOf: "HTTP/1.1 ".utf8)
        bytes.append(contentsOf: String(response.status.code).utf8)
        bytes.append(sp)
        appendSafe(response.status.reasonPhrase, to: &bytes)
        bytes.append(contentsOf: "\r\n".utf8)
        var hasDate = false
        for (name, value) in response.headers where !isServerOwned(name) {
            if !hasDate && HTTPHeaders.namesEqual(name, "Date") { hasDate = true }
            appendSafe(name, to: &bytes)
            bytes.append(contentsOf: ": ".utf8)
            appendSafe(value, to: &bytes)
            bytes.append(contentsOf: "\r\n".utf8)
        }
        if !hasDate { bytes.append(contentsOf: date) }
        bytes.append(contentsOf: "Request-Id: ".utf8)
        bytes.append(contentsOf: requestID.utf8)
        switch framing {
        case .length(let length):
            bytes.append(contentsOf: "\r\nContent-Length: ".utf8)
            bytes.append(contentsOf: String(length).utf8)
        case .chunked:
            bytes.append(contentsOf: "\r\nTransfer-Encoding: chunked".utf8)
        case .none:
            break
        }
        if !keepAlive {
            bytes.append(contentsOf: "\r\nConnection: close".utf8)
        } else if version == .http1_0 {
            bytes.append(contentsOf: "\r\nConnection: keep-alive".utf8)
        }
        bytes.append(contentsOf: "\r\n\r\n".utf8)
        return bytes
    }

    /// Appends text with CR, LF and NUL replaced by spaces, so no handler value can split the
    /// response or inject fields.
    private static func appendSafe(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            if !utf8.contains(where: { $0 == cr || $0 == lf || $0 == 0 }) {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                bytes.append(byte == cr || byte == lf || byte == 0 ? sp : byte)
            }
        }
    }
}
