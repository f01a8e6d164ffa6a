import TestSupport
import Testing
@testable import HTTP

/// ``HTTPEventLoopThread/isIdleLoop``: true for a handler on an event loop with nothing else to
/// do, false anywhere else (the pool, a thread of no loop).
struct EventLoopIdleTests {
    static func router() -> Router {
        var router = Router()
        router.get("/loop", placement: .eventLoop) { _ in .text("\(HTTPEventLoopThread.isIdleLoop)") }
        router.get("/pool", placement: .concurrencyPool) { _ in .text("\(HTTPEventLoopThread.isIdleLoop)") }
        return router
    }

    @Test func aLoneRequestOnTheLoopFindsItIdleAndThePoolNever() async throws {
        try await withServer(router: Self.router()) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                // The first request may share its loop's turn with the connection's hand-over,
                // and one right after a pool answer with that answer's wake-up (the loop is then
                // rightly not idle): so the checked requests each follow an answer written on
                // the loop itself, and the pool's come last.
                _ = try client.exchange("GET /loop HTTP/1.1\r\nHost: t\r\n\r\n")
                for _ in 0..<3 {
                    #expect(try client.exchange("GET /loop HTTP/1.1\r\nHost: t\r\n\r\n").text == "true")
                }
                for _ in 0..<3 {
                    #expect(try client.exchange("GET /pool HTTP/1.1\r\nHost: t\r\n\r\n").text == "false")
                }
            }
        }
        #expect(!HTTPEventLoopThread.isIdleLoop)
    }

    @Test func aLoopWithWorkQueuedIsNotIdle() async throws {
        var router = Self.router()
        // Two pieces of work queued on the loop together: while the first runs, the second waits.
        router.deferred(.get, "/queued") { _, sink in
            let seen = Locked<[Bool]>([])
            sink.afterTurn { seen.withLock { $0.append(HTTPEventLoopThread.isIdleLoop) } }
            sink.afterTurn {
                seen.withLock { $0.append(HTTPEventLoopThread.isIdleLoop) }
                sink.send(.text(seen.withLock { $0 }.map(String.init).joined(separator: " ")))
            }
        }
        try await withServer(router: router) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                #expect(try client.exchange("GET /queued HTTP/1.1\r\nHost: t\r\n\r\n").text == "false true")
            }
        }
    }
}
