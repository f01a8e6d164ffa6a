import HTTP

/// A one-way gate tasks wait at until a test opens it: orders events without sleeping.
///
/// Behind ``Locked`` (a pthread mutex) rather than `Synchronization.Mutex`, whose contended
/// hand-over the thread sanitizer cannot see (scripts/tsan.sh reported this gate's own state).
public final class Gate: Sendable {
    private let state = Locked<(isOpen: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    public init() {}

    public func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    public func wait() async {
        await withCheckedContinuation { continuation in
            let isOpen = state.withLock { state in
                if !state.isOpen { state.waiters.append(continuation) }
                return state.isOpen
            }
            if isOpen { continuation.resume() }
        }
    }
}
