import Testing
import TestSupport
@testable import HTTP

/// A shutdown waits for the last connection to close by being told, not by polling the count.
struct ServerContextTests {
    static func context() -> ServerContext {
        ServerContext(configuration: testConfiguration(), responder: Router(), hooks: HTTPServerHooks(), tls: nil)
    }

    @Test func theWaitEndsWhenTheLastConnectionCloses() async throws {
        let context = Self.context()
        #expect(context.reserveConnection())
        #expect(context.reserveConnection())
        let finished = Gate()
        let waiter = Task {
            await context.waitUntilNoConnections()
            finished.open()
        }
        context.releaseConnection()
        #expect(context.openConnections == 1)
        context.releaseConnection()
        await finished.wait()
        await waiter.value
        #expect(context.openConnections == 0)
    }

    @Test func theWaitEndsAtOnceWithNoConnectionsOrWhenCancelled() async throws {
        let context = Self.context()
        await context.waitUntilNoConnections()
        #expect(context.reserveConnection())
        let waiter = Task { await context.waitUntilNoConnections() }
        waiter.cancel()
        await waiter.value
        #expect(context.openConnections == 1)
    }
}
