import Synchronization

/// A first-in, first-out lock for async code: one holder at a time, waiters resumed in the
/// order they arrived, and no thread ever blocked while waiting.
///
/// Why not an actor: an actor is reentrant at every `await`, and a model's write awaits the
/// disk in the middle, so a second write could start between the first one's read and its
/// publish. This lock is held across those awaits.
final class WriteLock: Sendable {
    private struct State {
        var isHeld = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var head = 0
    }

    private let state = Mutex(State())

    init() {}

    /// Runs `body` while holding the lock.
    func withLock<R: Sendable>(_ body: () async throws -> R) async rethrows -> R {
        await acquire()
        defer { release() }
        return try await body()
    }

    /// Tasks waiting for the lock now (tests wait on it to order events without sleeping).
    var waiterCount: Int { state.withLock { $0.waiters.count - $0.head } }

    private func acquire() async {
        let acquired = state.withLock { state -> Bool in
            if state.isHeld { return false }
            state.isHeld = true
            return true
        }
        if acquired { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state -> Bool in
                // The holder may have released between the first check and here.
                if !state.isHeld {
                    state.isHeld = true
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.head < state.waiters.count else {
                state.isHeld = false
                state.waiters.removeAll(keepingCapacity: true)
                state.head = 0
                return nil
            }
            let next = state.waiters[state.head]
            state.head += 1
            return next  // ownership passes straight to the next waiter: isHeld stays true
        }
        next?.resume()
    }
}
