import Glibc

/// A value behind a pthread mutex: the lock of every module (the server's state, the service's
/// model owners, stores, metrics and tables).
///
/// Not `Synchronization.Mutex`: on Linux it hands a contended lock over in the kernel
/// (`FUTEX_LOCK_PI`) from a library built without the thread sanitizer, so `swift test
/// --sanitize=thread` sees no ordering between the two holders and reports the data it guards
/// as racing (scripts/tsan.sh). TSan intercepts pthread mutexes; uncontended, the cost is the same.
public final class Locked<Value>: @unchecked Sendable {
    // Usable from inline code so that other modules specialize `withLock` for their value type
    // instead of calling the generic version (the metrics table takes it for every request).
    @usableFromInline var value: Value
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    public init(_ value: Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` on the value, holding the lock.
    @inlinable
    public func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        lock()
        defer { unlock() }
        return try body(&value)
    }

    @usableFromInline func lock() { pthread_mutex_lock(mutex) }
    @usableFromInline func unlock() { pthread_mutex_unlock(mutex) }
}
