import Foundation
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// A client that reads a large streamed body slowly holds its snapshot, not the model: writes
/// to the model are acknowledged meanwhile, and the body it finally reads is the model as it
/// was when its GET was answered, whole.
@Suite(.serialized)
struct StreamedReadTests {
    /// 600 × 600: 1.4 MiB raw, about 4.5 MiB of JSON, beyond the sockets' buffers (the client's
    /// receive buffer is 4 KiB) and above the streaming threshold, yet quick to format in a
    /// debug build.
    static let spec = #"{"type": "linear", "in": 600, "out": 600}"#

    @Test func writesGoOnWhileAStalledReaderHoldsItsSnapshot() throws {
        let server = try ServerProcess()
        defer { server.stop(); try? FileManager.default.removeItem(at: server.dataDirectory) }
        let created = try server.wire("POST", "/v1/models", ReliabilitySpecs.create("big", spec: Self.spec, seed: 5))
        try #require(created.status == 201, "\(created.text)")
        let before = try Self.rawWeight(server)

        let reader = try SlowReader(port: server.port, target: "/v1/models/big/parameters/weight")
        let head = try reader.read(atLeast: 1024)  // the head and the first chunk; then it stops reading
        #expect(String(decoding: head, as: UTF8.self).contains("Transfer-Encoding: chunked"))

        // The PATCH's answer (its head: the body is the whole parameter, streamed too) comes
        // while the reader still holds its snapshot.
        let patch = #"{"op": "fill", "value": 7}"#
        let request =
            "PATCH /v1/models/big/parameters/weight HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(patch.utf8.count)\r\nConnection: close\r\n\r\n" + patch
        let answer = try Wire.exchange(port: server.port, Array(request.utf8), timeout: 10) { $0.contains("\r\n\r\n") }
        #expect(
            answer.hasPrefix("HTTP/1.1 200") && answer.contains("ETag: \"2\""), "a write waited for a stalled reader: \(answer.prefix(200))"
        )

        let body = try Self.dechunk(head + reader.readToEnd())
        let document = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        let values = TensorJSON.flatten(document?["value"])?.map { Float($0) }
        #expect(values == before, "the streamed body is not the snapshot it began with")
        #expect(try Self.rawWeight(server).allSatisfy { $0 == 7 })
    }

    /// The weight's values as raw float32 (itself a streamed body).
    static func rawWeight(_ server: ServerProcess) throws -> [Float] {
        let response = try server.wire(
            "GET", "/v1/models/big/parameters/weight", headers: [("Accept", "application/octet-stream")])
        try #require(response.status == 200 && response.body.count == 600 * 600 * 4)
        return response.body.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// The body of a chunked response (head included in `bytes`).
    static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let headEnd = (0...(bytes.count - 4)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else {
            throw SlowReader.Failure.malformed
        }
        var position = headEnd + 4
        var body: [UInt8] = []
        while true {
            guard let lineEnd = (position..<(bytes.count - 1)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }),
                let size = Int(String(decoding: bytes[position..<lineEnd], as: UTF8.self), radix: 16)
            else { throw SlowReader.Failure.malformed }
            if size == 0 { return body }
            body += bytes[lineEnd + 2..<lineEnd + 2 + size]
            position = lineEnd + 2 + size + 2
        }
    }
}

/// One GET on a socket of its own, read only when asked (its small receive buffer fills, and
/// then the server's send buffer, and the server waits).
private final class SlowReader {
    enum Failure: Error { case connect, closedEarly, malformed }

    private let descriptor: Int32

    init(port: Int, target: String) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var small: Int32 = 4096
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        var seconds = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw Failure.connect
        }
        let request = Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    deinit { close(descriptor) }

    func read(atLeast count: Int) throws -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.count < count {
            let got = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard got > 0 else { throw Failure.closedEarly }
            received += buffer[0..<got]
        }
        return received
    }

    func readToEnd() -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let got = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if got <= 0 { return received }
            received += buffer[0..<got]
        }
    }
}
