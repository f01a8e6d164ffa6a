import Glibc
import Testing
@testable import HTTP

/// New connections go to the event loop holding the fewest, whichever loop the kernel woke.
struct ServerLoopBalanceTests {
    @Test func connectionsSpreadEvenlyOverTheLoops() async throws {
        var router = Router()
        router.inPlace(.get, "/thread") { _ in .text("\(pthread_self())") }
        let configuration = testConfiguration { $0.eventLoopCount = 2 }
        try await withServer(configuration, router: router) { _, port in
            try await blocking {
                var clients: [RawClient] = []
                var threads: [String: Int] = [:]
                for _ in 0..<16 {
                    let client = try RawClient(port: port)
                    threads[try client.exchange("GET /thread HTTP/1.1\r\nHost: t\r\n\r\n").text, default: 0] += 1
                    clients.append(client)  // kept open, so each still counts on its loop
                }
                #expect(threads.count == 2)
                #expect(threads.values.allSatisfy { (7...9).contains($0) }, "\(threads)")
            }
        }
    }
}
