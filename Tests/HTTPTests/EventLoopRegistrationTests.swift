import Glibc
import Testing
@testable import HTTP

/// The loop checks what epoll_ctl answers instead of assuming success.
struct EventLoopRegistrationTests {
    /// EPOLLIN (<sys/epoll.h>), which Glibc's module does not export.
    static let readable: UInt32 = 0x001

    static func loop() throws -> EventLoop {
        let context = ServerContext(configuration: testConfiguration(), responder: Router(), hooks: HTTPServerHooks(), tls: nil)
        return try EventLoop(index: 0, server: context)
    }

    @Test func refusalsAreReportedNotIgnored() throws {
        let loop = try Self.loop()
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        // Not in the set yet: there is nothing to modify.
        #expect(!loop.modify(ends[0], token: 7, events: Self.readable))
        #expect(loop.register(ends[0], token: 7, events: Self.readable))
        // Twice: EEXIST.
        #expect(!loop.register(ends[0], token: 7, events: Self.readable))
        #expect(loop.modify(ends[0], token: 7, events: 0))
        // Not a descriptor at all.
        #expect(!loop.register(-1, token: 8, events: Self.readable))
        loop.deregister(ends[0])
    }

    @Test func aListenerThatCannotBeWatchedFailsTheStart() throws {
        let loop = try Self.loop()
        #expect(throws: HTTPServerError.self) { try loop.addListener(-1) }
    }
}
