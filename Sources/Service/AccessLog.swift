import Glibc
public import HTTP
import Synchronization

/// The per-request access log: one line per finished request, written by a thread of its own.
///
/// The event loop formats the request's line straight into a shared byte buffer (under a lock,
/// with plain copies and no allocation: ``AccessLogFormatter``), so lines stay in the order
/// requests finished; the log's thread swaps in an empty buffer and writes the full one with one
/// `write(2)` per wake-up. When the buffer holds `capacity` lines (a destination slower than the
/// request rate), the line is dropped and counted (``droppedLines``, `/metrics`): the log never
/// slows requests down.
///
/// The thread polls while lines keep coming (every 10 ms, so a busy loop never has to
/// wake it) and sleeps without a timeout once idle (the next line wakes it once).
public final class AccessLog: @unchecked Sendable {
    /// Lines the buffer holds before it drops; about 150 bytes each.
    public static let defaultCapacity = 16384

    private let fd: Int32
    private let ownsDescriptor: Bool
    private let capacity: Int
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let drained = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let dropped = Atomic<Int>(0)
    // Guarded by `lock`, so the runtime's exclusivity checks (a thread-local access set, on
    // every request) are left out.
    @exclusivity(unchecked) private var pending = AccessLogBuffer()
    @exclusivity(unchecked) private var formatter = AccessLogFormatter()
    @exclusivity(unchecked) private var writerIsParked = false
    @exclusivity(unchecked) private var isClosing = false
    @exclusivity(unchecked) private var writerHasExited = false

    /// How long the busy writer waits between batches, in nanoseconds (10 ms).
    static let pollNanoseconds = 10_000_000
    /// Empty polls before the writer parks.
    private static let idlePollsBeforeParking = 3

    /// Logs to standard error.
    public static func standardError(capacity: Int = defaultCapacity) -> AccessLog {
        AccessLog(descriptor: STDERR_FILENO, ownsDescriptor: false, capacity: capacity)
    }

    /// Appends to the file at `path`, created (mode 0644) when missing.
    /// - Throws: ``AccessLogError`` when the file cannot be opened for appending.
    public static func file(_ path: String, capacity: Int = defaultCapacity) throws(AccessLogError) -> AccessLog {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AccessLogError(path: path, reason: String(cString: strerror(errno))) }
        return AccessLog(descriptor: fd, ownsDescriptor: true, capacity: capacity)
    }

    /// Logs to `descriptor`, which stays open unless `ownsDescriptor`.
    init(descriptor: Int32, ownsDescriptor: Bool, capacity: Int) {
        precondition(capacity > 0, "an access log needs room for one line")
        self.fd = descriptor
        self.ownsDescriptor = ownsDescriptor
        self.capacity = capacity
        pthread_mutex_init(lock, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(wake, &attributes)
        pthread_condattr_destroy(&attributes)
        pthread_cond_init(drained, nil)
        startWriter()
    }

    deinit {
        pthread_cond_destroy(wake)
        pthread_cond_destroy(drained)
        pthread_mutex_destroy(lock)
        wake.deallocate()
        drained.deallocate()
        lock.deallocate()
        if ownsDescriptor { Glibc.close(fd) }
    }

    /// Lines dropped so far because the queue was full.
    public var droppedLines: Int { dropped.load(ordering: .relaxed) }

    /// Formats one line into the buffer; called on the event loop, so it only takes the lock
    /// and copies bytes.
    public func record(_ summary: HTTPRequestSummary) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &now)
        let maximumLength = AccessLogFormatter.maximumLength(of: summary)
        pthread_mutex_lock(lock)
        guard !isClosing, pending.lines < capacity else {
            let closing = isClosing
            pthread_mutex_unlock(lock)
            if !closing { dropped.add(1, ordering: .relaxed) }
            return
        }
        pending.append(maximumLength: maximumLength) { out in
            formatter.write(summary, seconds: now.tv_sec, milliseconds: Int(now.tv_nsec / 1_000_000), to: &out)
        }
        let mustWake = writerIsParked
        writerIsParked = false
        pthread_mutex_unlock(lock)
        if mustWake { pthread_cond_signal(wake) }
    }

    /// Writes every queued line, then stops the writer; later lines are ignored. Blocks until
    /// done (at shutdown, so the last requests' lines are not lost).
    public func close() {
        pthread_mutex_lock(lock)
        isClosing = true
        pthread_cond_signal(wake)
        while !writerHasExited { pthread_cond_wait(drained, lock) }
        pthread_mutex_unlock(lock)
    }

    // MARK: The writer thread

    private func startWriter() {
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let created = pthread_create(
            &thread, nil,
            { argument in
                // Non-nil: pthread_create passes back the pointer given below.
                guard let argument else { return nil }
                Unmanaged<AccessLog>.fromOpaque(argument).takeRetainedValue().runWriter()
                return nil
            }, box.toOpaque())
        precondition(created == 0, "pthread_create failed: \(created)")
        pthread_detach(thread)
    }

    private func runWriter() {
        var batch = AccessLogBuffer()
        var emptyPolls = 0
        while true {
            pthread_mutex_lock(lock)
            if pending.isEmpty && !isClosing {
                if emptyPolls >= Self.idlePollsBeforeParking {
                    writerIsParked = true
                    while writerIsParked && !isClosing { pthread_cond_wait(wake, lock) }
                    writerIsParked = false
                    emptyPolls = 0
                } else {
                    var deadline = timespec()
                    clock_gettime(CLOCK_MONOTONIC, &deadline)
                    deadline.tv_nsec += Self.pollNanoseconds
                    if deadline.tv_nsec >= 1_000_000_000 {
                        deadline.tv_sec += 1
                        deadline.tv_nsec -= 1_000_000_000
                    }
                    _ = pthread_cond_timedwait(wake, lock, &deadline)
                }
            }
            swap(&batch, &pending)
            let closing = isClosing
            pthread_mutex_unlock(lock)
            if batch.isEmpty {
                if closing { break }
                emptyPolls += 1
                continue
            }
            emptyPolls = 0
            writeAll(UnsafeRawBufferPointer(start: batch.base, count: batch.count))
            batch.removeAll()
        }
        pthread_mutex_lock(lock)
        writerHasExited = true
        pthread_cond_broadcast(drained)
        pthread_mutex_unlock(lock)
    }

    /// Writes `buffer` whole, retrying short writes and interrupts; gives up on other errors (a
    /// closed pipe or a full disk must not take the server down with it).
    private func writeAll(_ buffer: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}

/// The access log file could not be opened.
public struct AccessLogError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String

    public var description: String { "cannot open the access log \(path): \(reason)" }
}
