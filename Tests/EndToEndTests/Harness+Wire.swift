import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP/1.1 response read straight off a socket by ``Wire``.
struct WireResponse: Sendable {
    var status: Int
    /// Header names lowercased; a repeated header keeps its last value.
    var headers: [String: String]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body parsed as JSON (objects as [String: Any]); nil when it is not JSON.
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }

    /// The version an `ETag: "<n>"` header names.
    var etagVersion: Int? { header("ETag").flatMap { Int($0.trimmingCharacters(in: CharacterSet(charactersIn: "\"W/"))) } }

    /// Whether the body is an RFC 9457 problem document.
    var isProblem: Bool { header("Content-Type")?.hasPrefix("application/problem+json") ?? false }
}

/// Why a request got no complete response: for a writer, an unacknowledged request.
enum WireError: Error, Equatable, CustomStringConvertible {
    case connectFailed(errno: Int32)
    case closedBeforeResponse(bytesReceived: Int)
    case timedOut(bytesReceived: Int)
    case malformedResponse(String)

    var description: String {
        switch self {
        case .connectFailed(let code): "connect failed: \(String(cString: strerror(code)))"
        case .closedBeforeResponse(let count): "connection closed after \(count) bytes, before a whole response"
        case .timedOut(let count): "no whole response in time (\(count) bytes received)"
        case .malformedResponse(let head): "malformed response: \(head)"
        }
    }
}

/// A bare HTTP/1.1 client on blocking sockets to 127.0.0.1, one connection per request
/// (`Connection: close`). Curl costs a process per request, far too slow for 50 clients;
/// and only a raw socket can send what curl will not (a false Content-Length, `%00` paths,
/// bytes that are not UTF-8).
enum Wire {
    /// Sends `method target` with `body`; a JSON Content-Type is added when `body` is given
    /// and `headers` name none.
    static func request(
        port: Int, _ method: String, _ target: String, body: [UInt8]? = nil,
        headers: [(String, String)] = [], timeout: TimeInterval = 30
    ) throws -> WireResponse {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body {
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                head += "Content-Type: application/json\r\n"
            }
            if !headers.contains(where: { $0.0.lowercased() == "content-length" }) {
                head += "Content-Length: \(body.count)\r\n"
            }
        }
        head += "\r\n"
        return try exchange(port: port, Array(head.utf8) + (body ?? []), timeout: timeout)
    }

    /// `request` with a JSON text body.
    static func json(
        port: Int, _ method: String, _ target: String, _ json: String? = nil,
        headers: [(String, String)] = [], timeout: TimeInterval = 30
    ) throws -> WireResponse {
        try request(port: port, method, target, body: json.map { Array($0.utf8) }, headers: headers, timeout: timeout)
    }

    /// Writes `bytes` as they are and reads one response (skipping any 100 Continue). When
    /// the server closes early (a 413 before the body), the response it sent is still read.
    static func exchange(port: Int, _ bytes: [UInt8], timeout: TimeInterval = 30) throws -> WireResponse {
        let descriptor = try connect(port: port, timeout: timeout)
        defer { close(descriptor) }
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { break }  // reset or timed out: whatever was answered is read below
            sent += count
        }
        return try readResponse(descriptor, deadline: Date().addingTimeInterval(timeout))
    }

    /// Sends `bytes` and reads until `isEnough` holds for everything received so far (head,
    /// chunk framing and all), then returns it without waiting for the rest: for acting at an
    /// exact point of a streamed response, such as the moment a done line arrives.
    static func exchange(
        port: Int, _ bytes: [UInt8], timeout: TimeInterval = 30, until isEnough: (String) -> Bool
    ) throws -> String {
        let descriptor = try connect(port: port, timeout: timeout)
        defer { close(descriptor) }
        _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        let deadline = Date().addingTimeInterval(timeout)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let text = String(decoding: received, as: UTF8.self)
            if isEnough(text) { return text }
            if Date() > deadline { throw WireError.timedOut(bytesReceived: received.count) }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer[0..<count]
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                throw WireError.closedBeforeResponse(bytesReceived: received.count)
            }
        }
    }

    /// Opens a connection, writes `bytes` and leaves it open, unread: for clients that stall.
    /// The caller closes the returned descriptor.
    static func openStalled(port: Int, sending bytes: [UInt8]) throws -> Int32 {
        let descriptor = try connect(port: port, timeout: 5)
        _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return descriptor
    }

    static func connect(port: Int, timeout: TimeInterval) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw WireError.connectFailed(errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(descriptor)
            throw WireError.connectFailed(errno: code)
        }
        // Short receive slices, so the overall deadline is checked often.
        var slice = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &slice, socklen_t(MemoryLayout<timeval>.size))
        var sendLimit = timeval(tv_sec: Int(max(1, timeout)), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &sendLimit, socklen_t(MemoryLayout<timeval>.size))
        return descriptor
    }

    static func readResponse(_ descriptor: Int32, deadline: Date) throws -> WireResponse {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var isClosed = false
        while true {
            if let response = try parse(received, isClosed: isClosed) { return response }
            if isClosed { throw WireError.closedBeforeResponse(bytesReceived: received.count) }
            if Date() > deadline { throw WireError.timedOut(bytesReceived: received.count) }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer[0..<count]
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                isClosed = true
            }
        }
    }

    /// One whole response from the front of `bytes`, or nil while more bytes are needed.
    static func parse(_ bytes: [UInt8], isClosed: Bool) throws -> WireResponse? {
        var start = 0
        while true {
            guard let headEnd = find([13, 10, 13, 10], in: bytes, from: start) else { return nil }
            let head = String(decoding: bytes[start..<headEnd], as: UTF8.self)
            var lines = head.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst()
            let parts = statusLine.split(separator: " ")
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
                throw WireError.malformedResponse(statusLine)
            }
            var headers: [String: String] = [:]
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let bodyStart = headEnd + 4
            if status == 100 {
                start = bodyStart
                continue
            }
            if let lengthText = headers["content-length"] {
                guard let length = Int(lengthText) else { throw WireError.malformedResponse("Content-Length \(lengthText)") }
                guard bytes.count - bodyStart >= length else { return nil }
                return WireResponse(status: status, headers: headers, body: Array(bytes[bodyStart..<bodyStart + length]))
            }
            if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
                guard let body = try dechunk(bytes, from: bodyStart) else { return nil }
                return WireResponse(status: status, headers: headers, body: body)
            }
            if status == 204 || status == 304 { return WireResponse(status: status, headers: headers, body: []) }
            guard isClosed else { return nil }
            return WireResponse(status: status, headers: headers, body: Array(bytes[bodyStart...]))
        }
    }

    /// A chunked body starting at `offset`, or nil when its last chunk has not arrived.
    private static func dechunk(_ bytes: [UInt8], from offset: Int) throws -> [UInt8]? {
        var body: [UInt8] = []
        var position = offset
        while true {
            guard let lineEnd = find([13, 10], in: bytes, from: position) else { return nil }
            let sizeText = String(decoding: bytes[position..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw WireError.malformedResponse("chunk size \(sizeText)")
            }
            position = lineEnd + 2
            if size == 0 { return body }
            guard bytes.count >= position + size + 2 else { return nil }
            body += bytes[position..<position + size]
            position += size + 2
        }
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], bytes[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
