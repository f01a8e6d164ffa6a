import Synchronization
public import Testing

/// Waits until `condition` holds, checking between yields, and fails the test if it does not
/// within `limit`. Tests order concurrent events with it instead of sleeping for a guessed time:
/// on a loaded machine a guess is too short, and this waits exactly as long as needed. The limit
/// only turns a hang into a failure: it is generous because another suite's computation can
/// hold the cooperative pool for half a minute on a loaded two-core machine.
public func waitUntil(
    within limit: Duration = .seconds(120), _ condition: () async throws -> Bool,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let deadline = ContinuousClock.now + limit
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("the awaited condition did not hold within \(limit)", sourceLocation: sourceLocation)
            throw WaitTimedOut()
        }
        try await Task.sleep(for: .milliseconds(1))
    }
}

/// A flag set once by one thread or task and polled by another.
public final class Flag: Sendable {
    private let storage = Atomic(false)
    public init() {}
    public func set() { storage.store(true, ordering: .releasing) }
    public var isSet: Bool { storage.load(ordering: .acquiring) }
}

/// Thrown by ``waitUntil(within:_:sourceLocation:)`` when its condition never held.
public struct WaitTimedOut: Error {}
