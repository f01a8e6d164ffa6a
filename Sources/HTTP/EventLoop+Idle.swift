import Glibc

/// What a handler may ask of the thread it runs on.
public enum HTTPEventLoopThread {
    /// Whether the caller is an event loop's thread with nothing else to do in this turn: the
    /// epoll wait that started the turn reported one ready descriptor (the caller's own
    /// connection), no other work waits in the loop's inbox, and no connection has a response
    /// waiting to be written. A handler placed on the loop may then wait on something short
    /// itself (a durable write's fsync) rather than pay two thread hand-offs, without holding up
    /// any request that had arrived; one arriving meanwhile waits for it. False off the loops.
    public static var isIdleLoop: Bool { EventLoop.current?.isIdle ?? false }
}

extension EventLoop {
    /// The key under which each loop's thread finds its loop.
    private static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    /// The loop whose thread calls, if any.
    static var current: EventLoop? {
        pthread_getspecific(currentKey).map { Unmanaged<EventLoop>.fromOpaque($0).takeUnretainedValue() }
    }

    /// Makes this loop the calling thread's (``current``); from the loop's thread, as it starts.
    func becomeCurrent() {
        pthread_setspecific(Self.currentKey, Unmanaged.passUnretained(self).toOpaque())
    }

    /// See ``HTTPEventLoopThread/isIdleLoop``; on the loop's thread.
    var isIdle: Bool {
        turnEvents <= 1 && inboxBatchRemaining == 0 && pendingFlushes.isEmpty && inbox.withLock { $0.work.isEmpty }
    }
}
