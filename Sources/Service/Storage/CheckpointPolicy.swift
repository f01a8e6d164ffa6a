/// When a model's checkpoint is rewritten: once its log holds more than `fraction` of the
/// model's size (and at least `minimumLogBytes`), so the log, and with it the time a start
/// spends replaying, stays a bounded fraction of the model while a write costs only its log
/// record. Checkpoints run in the background; writes go on meanwhile.
public struct CheckpointPolicy: Sendable, Equatable {
    public var fraction: Double
    public var minimumLogBytes: Int

    public init(fraction: Double = 0.5, minimumLogBytes: Int = 1 << 20) {
        self.fraction = fraction
        self.minimumLogBytes = minimumLogBytes
    }

    /// Whether a log of `logBytes` next to a model of `modelBytes` calls for a checkpoint.
    func isDue(logBytes: Int, modelBytes: Int) -> Bool {
        logBytes > minimumLogBytes && Double(logBytes) > fraction * Double(modelBytes)
    }
}
