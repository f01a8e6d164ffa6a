import HTTP
import Synchronization

/// A one-way flag that async code can wait for without blocking a thread. The service uses it
/// for "every stored model is loaded" (/readyz answers from it, and /v1 requests that arrive
/// during loading wait rather than see a half-filled registry) and the server for "shutdown
/// finished".
final class Readiness: Sendable {
    private let state = Locked<(isReady: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    private let flag = Atomic<Bool>(false)

    var isReady: Bool { flag.load(ordering: .acquiring) }

    func markReady() {
        let waiters = state.withLock { state in
            state.isReady = true
            let waiters = state.waiters
            state.waiters = []
            return waiters
        }
        flag.store(true, ordering: .releasing)
        for waiter in waiters { waiter.resume() }
    }

    /// Returns at once when ready (one atomic load), else when loading finishes.
    func wait() async {
        if isReady { return }
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.isReady { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
}

extension Readiness {
    /// Holds the requests for paths that `guarded` names until ready: nothing to do per request
    /// once ready (one atomic load), a task for each request that arrives before.
    func middleware(for guarded: @escaping @Sendable (String) -> Bool) -> HTTPMiddleware {
        HTTPMiddleware { [self] request in
            guard !isReady, guarded(request.path) else { return .proceed }
            return .wait { [self] in
                await wait()
                return nil
            }
        }
    }
}
