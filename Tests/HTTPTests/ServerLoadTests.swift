import Glibc
import Synchronization
import Testing
import TestSupport
@testable import HTTP

/// Many connections, slow ones, and the connection cap.
@Suite(.serialized)
struct ServerLoadTests {
    /// Opens `count` connections that each send a partial head, then trickle one byte per
    /// connection every `interval` until `stop` is set. Errors from shed connections are ignored.
    static func slowloris(port: Int, count: Int, interval: Double, stop: Flag) throws -> Int {
        var clients: [RawClient] = []
        for _ in 0..<count {
            guard let client = try? RawClient(port: port, timeoutSeconds: 1) else { continue }
            try? client.send("GET /json HTTP/1.1\r\nHost: t\r\nX-Slow: ")
            clients.append(client)
        }
        while !stop.isSet {
            for client in clients { try? client.send("a") }
            usleep(UInt32(interval * 1_000_000))
        }
        return clients.count
    }

    /// Latencies in seconds of `count` sequential keep-alive GETs.
    static func normalClientLatencies(port: Int, count: Int) throws -> [Double] {
        let client = try RawClient(port: port)
        var latencies: [Double] = []
        for _ in 0..<count {
            let start = monotonicSeconds()
            let response = try client.exchange("GET /json HTTP/1.1\r\nHost: t\r\n\r\n")
            latencies.append(monotonicSeconds() - start)
            #expect(response.status == 200)
            usleep(10_000)
        }
        return latencies.sorted()
    }

    @Test func fiveHundredSlowlorisConnectionsDoNotDelayANormalClient() async throws {
        try await withServer { server, port in
            let baseline = try await blocking { try Self.normalClientLatencies(port: port, count: 20) }
            let stop = Flag()
            async let opened = blocking { try Self.slowloris(port: port, count: 500, interval: 0.2, stop: stop) }
            // Wait until the slow connections are all open.
            let deadline = monotonicSeconds() + 10
            while server.openConnections < 500 && monotonicSeconds() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            let underAttack = try await blocking { try Self.normalClientLatencies(port: port, count: 40) }
            stop.set()
            #expect(try await opened == 500)
            let median = underAttack[underAttack.count / 2]
            let baselineMedian = baseline[baseline.count / 2]
            // "A few milliseconds" on an idle machine; generous bounds keep a busy CI host green.
            #expect(median < baselineMedian + 0.010, "median \(median * 1000) ms vs \(baselineMedian * 1000) ms without slowloris")
            #expect(underAttack.last! < 0.25, "worst \(underAttack.last! * 1000) ms")
        }
    }

    @Test func theCapShedsSlowConnectionsToAdmitNewOnes() async throws {
        try await withServer(testConfiguration { $0.limits.maxConnections = 100 }) { server, port in
            let stop = Flag()
            let peak = Peak()
            async let opened = blocking { try Self.slowloris(port: port, count: 300, interval: 0.2, stop: stop) }
            // The slow clients fill the cap before the newcomers arrive.
            let deadline = monotonicSeconds() + 30
            while server.openConnections < 100 && monotonicSeconds() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            let statuses = try await blocking { () -> [Int] in
                var statuses: [Int] = []
                for _ in 0..<20 {
                    let client = try RawClient(port: port)
                    statuses.append(try client.exchange("GET /json HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").status)
                    peak.record(server.openConnections)
                }
                return statuses
            }
            stop.set()
            _ = try await opened
            #expect(statuses == Array(repeating: 200, count: 20))
            #expect(peak.value <= 100)
            #expect(server.openConnections <= 100)
        }
    }

    @Test func busyConnectionsAreNotShedAndNewcomersGet503() async throws {
        let entered = Locked(0)
        let allBusy = Gate()
        let release = Gate()
        var router = testRouter()
        router.get("/held") { _ in
            if entered.withLock({ count in
                count += 1
                return count
            }) == 4 {
                allBusy.open()
            }
            await release.wait()
            return .text("released")
        }
        try await withServer(testConfiguration { $0.limits.maxConnections = 4 }, router: router) { _, port in
            let busy = try await blocking { () -> [RawClient] in
                var busy: [RawClient] = []
                for _ in 0..<4 {
                    let client = try RawClient(port: port)
                    try client.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n")
                    busy.append(client)
                }
                return busy
            }
            await allBusy.wait()
            try await blocking {
                let newcomer = try RawClient(port: port)
                let refused = try newcomer.exchange("GET /json HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(refused.status == 503)
            }
            release.open()
            let answers = try await blocking { try busy.map { try $0.readResponse().text } }
            #expect(answers == Array(repeating: "released", count: 4))
        }
    }
}

/// The largest value recorded.
final class Peak: Sendable {
    private let storage = Atomic<Int>(0)
    var value: Int { storage.load(ordering: .relaxed) }
    func record(_ sample: Int) { storage.max(sample, ordering: .relaxed) }
}
