/// A scalar or a tensor operand of an in-place edit.
public enum EditOperand: Sendable, Equatable {
    case scalar(Float)
    /// Must have the shape of what it applies to.
    case tensor(Tensor)
}

/// One in-place change to a parameter, as the chapter makes them (`data[:] += 1`,
/// `data[0, 0] = 42`). A list of edits applies atomically: all or nothing.
public enum ParameterEdit: Sendable, Equatable {
    /// Replace the whole value; the shape must match.
    case replace(Tensor)
    /// `data[index] = value`; the index lists every dimension (negative counts from the end).
    case setElement(index: [Int], value: Float)
    /// `data[slice] = operand` (a scalar, or a tensor of the slice's shape).
    case setSlice(TensorSlice, EditOperand)
    /// `data += operand`.
    case add(EditOperand)
    /// `data *= operand`.
    case multiply(EditOperand)
    /// `data[:] = value`.
    case fill(Float)
}
