/// Parameter values and gradients, and buffer values, keyed by `ParameterID`.
///
/// Values are copy-on-write tensors, so copying a store is cheap and a write duplicates only
/// the tensor it touches. A parameter without an entry in `values` is not materialized yet
/// (its layer waits for its input width); one without a gradient has had no backward pass.
/// Buffers (running statistics) share the id space but are never trained.
public struct ParameterStore: Sendable, Equatable {
    public internal(set) var values: [ParameterID: Tensor] = [:]
    public internal(set) var gradients: [ParameterID: Tensor] = [:]
    public internal(set) var buffers: [ParameterID: Tensor] = [:]

    public init() {}

    /// The value of `id`, if materialized.
    public subscript(id: ParameterID) -> Tensor? { values[id] }
}
