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
    }

    func cancel() {
        for source in sources { source.cancel() }
    }

    /// Whether a signal already arrived; touched only on the serial signal queue.
    private final class Fired: @unchecked Sendable {
        var value = false
    }
}
