import Dispatch
import Glibc

/// SIGTERM and SIGINT turned into a callback, once: the default actions are disabled so the
/// process can shut down gracefully and exit 0; a second signal is ignored while that runs.
final class ShutdownSignals {
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32], onFirst handler: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "paramd.signals")
        let fired = Fired()
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                // The queue is serial, so this check and set need no lock.
                guard !fired.value else { return }
                fired.value = true
                handler(number)
            }
            source.resume()
            return source
        }
        // resume() returns before dispatch has registered the source (its manager thread does
        // that, replacing SIG_IGN with its own handler); a signal in between is ignored and
        // lost, and the process would never shut down. Wait, bounded, until every handler is
        // in place, so that "ready" is never announced before a signal can be heard.
        for number in signals { Self.waitUntilHandled(number) }
    }

    private static func waitUntilHandled(_ number: Int32) {
        let ignore = unsafeBitCast(SIG_IGN, to: Int.self)
        for _ in 0..<5000 {
            var current = sigaction()
            sigaction(number, nil, &current)
            if unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) != ignore { return }
            usleep(1000)
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }

    /// Whether a signal already arrived; touched only on the serial signal queue.
    private final class Fired: @unchecked Sendable {
        var value = false
    }
}
