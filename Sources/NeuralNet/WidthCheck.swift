import Synchronization

/// The per-sample input shape a model's layers were last checked against, and the largest
/// per-sample activation on the way: shared by the copies of one model value (a snapshot that
/// many forward passes read), so the shapes are walked once per snapshot and sample shape
/// rather than on every pass. ``Model`` replaces it whenever its layers or store change.
final class WidthCheck: Sendable {
    private struct Checked {
        let sample: [Int]
        let largestSample: Int
    }

    private let checked = Mutex<Checked?>(nil)

    /// The largest per-sample activation when `sample` is the shape last checked, else nil.
    func largestSample(for sample: ArraySlice<Int>) -> Int? {
        checked.withLock { checked in
            guard let checked, checked.sample.elementsEqual(sample) else { return nil }
            return checked.largestSample
        }
    }

    /// Records that the layers accept `sample`, with `largestSample` on the way.
    func record(sample: [Int], largestSample: Int) {
        checked.withLock { $0 = Checked(sample: sample, largestSample: largestSample) }
    }
}
