import Glibc
import Testing
@testable import HTTP

/// Content-Length bodies above ``Connection/directBodyThreshold`` are read straight into a
/// buffer of their full size: every way the bytes can arrive must give back the same body.
struct ServerLargeBodyTests {
    static let size = ConnectionMachine.directBodyThreshold * 3 + 17

    static func payload(_ count: Int = size, salt: Int = 0) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8 &+ salt) }
    }

    static func request(_ body: [UInt8], path: String = "/echo") -> [UInt8] {
        Array("POST \(path) HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
    }

    @Test(arguments: ["/echo", "/immediate-echo"])
    func aLargeBodySentAtOnceComesBackWhole(path: String) async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                let body = Self.payload()
                try client.send(Self.request(body, path: path))
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.body == body)
            }
        }
    }

    @Test func aLargeBodyInSmallPiecesWithPausesComesBackWhole() async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                let body = Self.payload()
                let bytes = Self.request(body)
                // Head and first body bytes together, then pieces of odd sizes with pauses, so
                // reads land both in the buffered and in the direct path.
                var offset = 0
                for (index, piece) in [300, 1, 4095, 7, 65_536, 3, 20_000].enumerated() where offset < bytes.count {
                    let end = min(bytes.count, offset + piece)
                    try client.send(Array(bytes[offset..<end]))
                    offset = end
                    if index % 2 == 1 { usleep(2_000) }
                }
                if offset < bytes.count { try client.send(Array(bytes[offset...])) }
                #expect(try client.readResponse().body == body)
            }
        }
    }

    @Test func pipelinedRequestsAfterALargeBodyStayIntact() async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                let first = Self.payload(salt: 1)
                let second = Self.payload(ConnectionMachine.directBodyThreshold + 1, salt: 2)
                let small = Array("small".utf8)
                try client.send(
                    Self.request(first) + Self.request(small) + Self.request(second) + Array("GET /json HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
                #expect(try client.readResponse().body == first)
                #expect(try client.readResponse().body == small)
                #expect(try client.readResponse().body == second)
                #expect(try client.readResponse().status == 200)
            }
        }
    }

    @Test func aClientThatHalfClosesMidBodyGets400AndLeavesTheServerServing() async throws {
        try await withServer { _, port in
            try await blocking {
                let quitter = try RawClient(port: port)
                let bytes = Self.request(Self.payload())
                try quitter.send(Array(bytes[..<(bytes.count / 2)]))
                quitter.shutdownWrite()
                let response = try quitter.readResponse()
                #expect(response.status == 400)
                #expect(response.headers["Connection"] == "close")
                #expect(quitter.serverClosed())
                let next = try RawClient(port: port)
                #expect(try next.exchange("GET /json HTTP/1.1\r\nHost: t\r\n\r\n").status == 200)
            }
        }
    }
}
