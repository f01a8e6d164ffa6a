import Synchronization
import Testing
@testable import Service

/// A counter whose read-modify-write spans an await: without the lock, increments are lost.
private final class Ledger: Sendable {
    private struct Counts {
        var value = 0
        var holders = 0
        var maximumHolders = 0
    }

    private let counts = Mutex(Counts())

    func enter() -> Int {
        counts.withLock { counts in
            counts.holders += 1
            counts.maximumHolders = max(counts.maximumHolders, counts.holders)
            return counts.value
        }
    }

    func leave(writing value: Int) {
        counts.withLock { counts in
            counts.value = value
            counts.holders -= 1
        }
    }

    var value: Int { counts.withLock { $0.value } }
    var maximumHolders: Int { counts.withLock { $0.maximumHolders } }
}

private final class OrderLog: Sendable {
    private let storage = Mutex<[Int]>([])
    func append(_ value: Int) { storage.withLock { $0.append(value) } }
    var entries: [Int] { storage.withLock { $0 } }
}

struct WriteLockTests {
    @Test func holdersNeverOverlapAcrossAwaits() async {
        let lock = WriteLock()
        let ledger = Ledger()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    await lock.withLock {
                        let read = ledger.enter()
                        await Task.yield()
                        ledger.leave(writing: read + 1)
                    }
                }
            }
        }
        #expect(ledger.value == 200)
        #expect(ledger.maximumHolders == 1)
    }

    @Test func releasesWhenTheBodyThrows() async throws {
        struct Boom: Error {}
        let lock = WriteLock()
        await #expect(throws: Boom.self) { try await lock.withLock { throw Boom() } }
        let value = await lock.withLock { 7 }
        #expect(value == 7)
    }

    @Test func waitersAreServedInArrivalOrder() async {
        let lock = WriteLock()
        let log = OrderLog()
        let (gate, open) = AsyncStream.makeStream(of: Void.self)
        let first = Task {
            await lock.withLock {
                for await _ in gate { break }
            }
        }
        // Queue waiters one by one, each surely enqueued before the next starts.
        var waiters: [Task<Void, Never>] = []
        for index in 0..<5 {
            waiters.append(Task { await lock.withLock { log.append(index) } })
            try? await Task.sleep(for: .milliseconds(20))
        }
        open.yield(())
        open.finish()
        await first.value
        for waiter in waiters { await waiter.value }
        #expect(log.entries == [0, 1, 2, 3, 4])
    }
}
