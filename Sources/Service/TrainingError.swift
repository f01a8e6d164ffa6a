/// Why a training request kept nothing: a number stopped being finite, or the model moved on
/// while training ran on its snapshot.
enum TrainingError: Error, Sendable {
    /// The loss of the first step was not finite.
    case nonFiniteLoss(Float)
    /// The gradient of the parameter at `path` was not finite.
    case nonFiniteGradient(path: String)
    /// The loss became `loss` at `epoch`, `step` of a training run.
    case lossDiverged(loss: Float, epoch: Int, step: Int)
    /// Training left the parameter at `path` with a non-finite value.
    case nonFiniteWeight(path: String)
    /// A write moved the model from version `trained` to `current` while training ran.
    case changedDuringTraining(trained: Int, current: Int)
}
