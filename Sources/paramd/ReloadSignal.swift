import Dispatch
import Glibc

/// A signal (SIGHUP) turned into a callback, every time it arrives: the default action, which
/// would end the process, is disabled. Callbacks run one at a time on a serial queue.
final class ReloadSignal {
    private let source: any DispatchSourceSignal

    init(signal number: Int32, handler: @escaping @Sendable () -> Void) {
        signal(number, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: number, queue: DispatchQueue(label: "paramd.reload"))
        source.setEventHandler(handler: handler)
        source.resume()
    }

    func cancel() {
        source.cancel()
    }
}
