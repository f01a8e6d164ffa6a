import Glibc
import Testing
@testable import HTTP

/// Slow or silent clients time out with 408 or a close, per the configured deadlines, end to end
/// over sockets. Each deadline's exact edges are stepped on a fake clock in ConnectionMachineTests.
struct ServerTimeoutTests {
    static let quick = testConfiguration {
        $0.timeouts.head = .milliseconds(300)
        $0.timeouts.body = .milliseconds(300)
        $0.timeouts.idle = .milliseconds(300)
    }

    @Test func slowHeadGets408() async throws {
        try await withServer(Self.quick) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                try client.send("GET / HTTP/1.1\r\nHo")
                let start = monotonicSeconds()
                let response = try client.readResponse()
                #expect(response.status == 408)
                #expect(monotonicSeconds() - start < 5)  // fires long before the 10 s read timeout, with room for a loaded machine
                #expect(client.serverClosed())
            }
        }
    }

    @Test func slowBodyGets408() async throws {
        try await withServer(Self.quick) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
                #expect(try client.readResponse().status == 408)
            }
        }
    }

    @Test func idleKeepAliveConnectionsAreClosed() async throws {
        try await withServer(Self.quick) { server, port in
            try await blocking {
                let client = try RawClient(port: port)
                #expect(try client.exchange("GET /json HTTP/1.1\r\nHost: t\r\n\r\n").status == 200)
                let start = monotonicSeconds()
                #expect(client.serverClosed())
                #expect(monotonicSeconds() - start < 5)  // fires long before the 10 s read timeout, with room for a loaded machine
            }
            #expect(server.openConnections == 0)
        }
    }

    @Test func silentConnectionsAreClosed() async throws {
        try await withServer(Self.quick) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                #expect(client.serverClosed())
            }
        }
    }
}
