import Glibc

/// A value behind a pthread mutex: the lock of every module (the server's state, the service's
/// model owners, stores, metrics and tables).
///
/// Not `Synchronization.Mutex`: on Linux it hands a contended lock over in the kernel
/// (`FUTEX_LOCK_PI`) from a library built without the thread sanitizer, so `swift test
/// --sanitize=thread` sees no ordering between the two holders and reports the data it guards
/// as racing (scripts/tsan.sh). TSan intercepts pthread mutexes; uncontended, the cost is the same.
public final class Locked<Value>: @unchecked Sendable {
    private var value: Value
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
    public func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
