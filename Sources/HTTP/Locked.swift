import Glibc

/// A value behind a pthread mutex.
///
/// Not `Synchronization.Mutex`: its futex fast path lives in a library built without the thread
/// sanitizer, so `swift test --sanitize=thread` reports the data it guards as racing. TSan
/// intercepts pthread mutexes, and the cost is the same uncontended.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init(_ value: Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
