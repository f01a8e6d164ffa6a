/// Parameter values and gradients keyed by `ParameterID`.
///
/// Values are copy-on-write tensors, so copying a store is cheap and a write duplicates only
/// the tensor it touches. A parameter without an entry in `values` is not materialized yet
/// (its layer waits for its input width); one without a gradient has had no backward pass.
public struct ParameterStore: Sendable, Equatable {
    public internal(set) var values: [ParameterID: Tensor] = [:]
    public internal(set) var gradients: [ParameterID: Tensor] = [:]

    public init() {}

    /// The value of `id`, if materialized.
    public subscript(id: ParameterID) -> Tensor? { values[id] }
}
