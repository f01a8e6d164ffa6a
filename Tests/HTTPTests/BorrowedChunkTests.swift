import Glibc
import Synchronization
import Testing
import TestSupport
@testable import HTTP

/// Streamed bodies that lend their bytes (``HTTPBodyWriter/write(borrowing:)``): sent from the
/// owner's memory over real sockets, framed like copied chunks, and released once written.
struct BorrowedChunkTests {
    /// Bytes a test lends, and whether they were freed.
    final class Owner: @unchecked Sendable {
        let bytes: UnsafeMutableRawBufferPointer
        let freed: Flag

        init(count: Int, freed: Flag) {
            bytes = .allocate(byteCount: count, alignment: 16)
            for index in 0..<count { bytes[index] = UInt8(truncatingIfNeeded: index &* 31 &+ index >> 9) }
            self.freed = freed
        }

        deinit {
            bytes.deallocate()
            freed.set()
        }

        func lend(_ range: Range<Int>) -> BorrowedBytes {
            BorrowedBytes(base: UnsafeRawPointer(bytes.baseAddress! + range.lowerBound), count: range.count, owner: self)
        }
    }

    /// A router whose `/lent` streams `size` bytes as borrowed chunks of `chunk` bytes between
    /// two copied ones; `freed` is set when the owner goes away.
    static func router(size: Int, chunk: Int, freed: Flag) -> Router {
        var router = Router()
        router.get("/lent") { _ in
            HTTPResponse(
                headers: ["Content-Type": "application/octet-stream"],
                body: .stream { writer in
                    let owner = Owner(count: size, freed: freed)
                    try await writer.write("<")
                    var start = 0
                    while start < size {
                        let end = min(size, start + chunk)
                        try await writer.write(borrowing: owner.lend(start..<end))
                        start = end
                    }
                    try await writer.write(">")
                })
        }
        return router
    }

    static func expected(size: Int) -> [UInt8] {
        let freed = Flag()
        let owner = Owner(count: size, freed: freed)
        return Array("<".utf8) + Array(UnsafeRawBufferPointer(owner.bytes)) + Array(">".utf8)
    }

    @Test(arguments: ["HTTP/1.1", "HTTP/1.0"])
    func sendsLentBytesIntactAndReleasesThemOnceWritten(version: String) async throws {
        // Chunks larger than a socket buffer, so each write waits for the reader.
        let size = 12 << 20 + 123
        let freed = Flag()
        try await withServer(router: Self.router(size: size, chunk: 5 << 20, freed: freed)) { _, port in
            try await blocking {
                let client = try RawClient(port: port, timeoutSeconds: 120)
                if version == "HTTP/1.1" {
                    let response = try client.exchange("GET /lent HTTP/1.1\r\nHost: t\r\n\r\n")
                    #expect(response.headers["Transfer-Encoding"] == "chunked")
                    #expect(response.body == Self.expected(size: size))
                } else {
                    try client.send("GET /lent HTTP/1.0\r\n\r\n")
                    let raw = try client.readToEnd()
                    let separator = Array("\r\n\r\n".utf8)
                    let headEnd = try #require((0...(raw.count - 4)).first { Array(raw[$0..<$0 + 4]) == separator })
                    #expect(Array(raw[(headEnd + 4)...]) == Self.expected(size: size))
                }
            }
            try await waitUntil { freed.isSet }
        }
    }

    @Test func releasesLentBytesWhenTheClientLeavesMidBody() async throws {
        let freed = Flag()
        try await withServer(router: Self.router(size: 64 << 20, chunk: 8 << 20, freed: freed)) { _, port in
            try await blocking {
                let client = try RawClient(port: port, timeoutSeconds: 120)
                try client.send("GET /lent HTTP/1.1\r\nHost: t\r\n\r\n")
                var first = [UInt8](repeating: 0, count: 4096)
                #expect(recv(client.fd, &first, first.count, 0) > 0)
            }
            try await waitUntil { freed.isSet }
        }
    }
}
