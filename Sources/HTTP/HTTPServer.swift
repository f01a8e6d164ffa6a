import Synchronization
import Glibc

/// An HTTP/1.1 server on non-blocking sockets: one epoll event loop per core, handlers as tasks.
///
/// ```swift
/// let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), responder: router)
/// let port = try server.start()          // bound; port 0 gives an ephemeral port
/// …
/// await server.shutdown(gracePeriod: .seconds(10))
/// ```
/// or `try await server.run()`, which returns once ``shutdown(gracePeriod:)`` has finished
/// (call it from a SIGTERM/SIGINT handler).
public final class HTTPServer: Sendable {
    private enum State {
        case idle
        case running(listener: Int32, loops: [EventLoop], port: Int)
        case stopping
        case stopped
    }

    private let context: ServerContext?
    private let setupError: HTTPServerError?
    private let state = Mutex<State>(.idle)
    private let finished = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// - Parameters:
    ///   - configuration: address, limits, timeouts, TLS; see ``HTTPServerConfiguration``.
    ///   - responder: answers every request that passes the server's own checks.
    ///   - hooks: the head hook, the completion hook and error responses.
    public init(configuration: HTTPServerConfiguration, responder: some HTTPResponder, hooks: HTTPServerHooks = HTTPServerHooks()) {
        do throws(HTTPServerError) {
            let tls = try configuration.tls.map { configuration throws(HTTPServerError) in try TLSContext(configuration) }
            context = ServerContext(configuration: configuration, responder: responder, hooks: hooks, tls: tls)
            setupError = nil
        } catch {
            context = nil
            setupError = error
        }
    }

    /// Binds, listens and starts the event loops.
    /// - Returns: the bound port (the kernel's choice when the configuration says 0).
    /// - Throws: ``HTTPServerError`` when TLS files are bad, the address is invalid or in use.
    @discardableResult
    public func start() throws(HTTPServerError) -> Int {
        guard let context else { throw setupError ?? .alreadyStarted }
        // A peer that resets mid-write must give EPIPE, not kill the process (OpenSSL writes with write(2)).
        signal(SIGPIPE, SIG_IGN)
        return try state.withLock { state throws(HTTPServerError) -> Int in
            guard case .idle = state else { throw .alreadyStarted }
            let configuration = context.configuration
            let (listener, port) = try Socket.listen(
                host: configuration.host, port: configuration.port, backlog: Int32(clamping: configuration.backlog))
            var loops: [EventLoop] = []
            do throws(HTTPServerError) {
                for index in 0..<max(1, configuration.eventLoopCount) {
                    let loop = try EventLoop(index: index, server: context)
                    try loop.addListener(listener)
                    loops.append(loop)
                }
            } catch {
                Socket.close(listener)
                throw error
            }
            for (index, loop) in loops.enumerated() { loop.neighbour = loops[(index + 1) % loops.count] }
            for loop in loops { loop.start() }
            state = .running(listener: listener, loops: loops, port: port)
            return port
        }
    }

    /// The bound port while running, else nil.
    public var port: Int? {
        state.withLock { state in
            if case .running(_, _, let port) = state { return port }
            return nil
        }
    }

    /// Connections currently open, over all loops.
    public var openConnections: Int { context?.openConnections ?? 0 }

    /// Starts the server if needed and waits until ``shutdown(gracePeriod:)`` has completed.
    public func run() async throws {
        if case .idle = state.withLock({ $0 }) { try start() }
        await waitUntilStopped()
    }

    /// Stops accepting, lets in-flight requests finish (their responses say `Connection: close`),
    /// closes idle connections at once, and after `gracePeriod` closes whatever is left.
    /// Returns when every connection is closed and every loop has exited. Safe to call twice.
    public func shutdown(gracePeriod: Duration = .seconds(10)) async {
        let taken: (Int32, [EventLoop])? = state.withLock { state in
            guard case .running(let listener, let loops, _) = state else { return nil }
            state = .stopping
            return (listener, loops)
        }
        guard let (listener, loops) = taken else {
            await waitUntilStopped()
            return
        }
        await withTaskGroup(of: Void.self) { group in
            for loop in loops {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        loop.execute {
                            loop.drain()
                            continuation.resume()
                        }
                    }
                }
            }
        }
        Socket.close(listener)
        if let context {
            // Whichever comes first: the last connection closing, or the end of the grace period.
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await context.waitUntilNoConnections() }
                group.addTask { try? await Task.sleep(for: gracePeriod) }
                await group.next()
                group.cancelAll()
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for loop in loops {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        loop.execute { loop.stop { continuation.resume() } }
                    }
                }
            }
        }
        state.withLock { $0 = .stopped }
        let waiters = finished.withLock { finished in
            finished.done = true
            let waiters = finished.waiters
            finished.waiters = []
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func waitUntilStopped() async {
        await withCheckedContinuation { continuation in
            let done = finished.withLock { finished in
                if finished.done { return true }
                finished.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}
