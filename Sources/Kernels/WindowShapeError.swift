/// Why a convolution or pooling shape is refused. Each case names the argument as PyTorch's
/// constructor does (`in_channels`, `kernel_size`, `padding`, …), so a service can point the
/// client at the member of its spec.
public enum WindowShapeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A size that must be at least 1 (channels, kernel size, stride, dilation, groups, a spatial
    /// input dimension) is not.
    case notPositive(member: String, value: Int)
    /// A padding or batch size is negative.
    case negative(member: String, value: Int)
    /// `groups` does not divide the channel count named by `member`.
    case groupsDoNotDivide(member: String, channels: Int, groups: Int)
    /// The dilated kernel, `dilation·(kernel_size − 1) + 1`, is larger than the padded input.
    case kernelLargerThanInput(dimension: String, kernel: Int, paddedInput: Int)
    /// A pooling's padding is more than half its kernel (PyTorch refuses it as well).
    case paddingTooLarge(padding: Int, kernel: Int)
    /// A product of the sizes (element counts, the padded input, a flat index) does not fit.
    case overflow(member: String)
    /// One output row of a convolution's im2col matrix would need more scratch floats than the
    /// limit (a kernel and padding far larger than any real network's).
    case columnsTooLarge(floats: Int, limit: Int)

    /// The spec member the error is about.
    public var member: String {
        switch self {
        case .notPositive(let member, _), .negative(let member, _), .groupsDoNotDivide(let member, _, _),
            .overflow(let member):
            member
        case .kernelLargerThanInput, .columnsTooLarge: "kernel_size"
        case .paddingTooLarge: "padding"
        }
    }

    /// What is wrong with the member, as a sentence that follows its name.
    public var reason: String {
        switch self {
        case .notPositive(_, let value): "must be at least 1, got \(value)"
        case .negative(_, let value): "must not be negative, got \(value)"
        case .groupsDoNotDivide(_, let channels, let groups): "(\(channels)) must be divisible by groups (\(groups))"
        case .kernelLargerThanInput(let dimension, let kernel, let paddedInput):
            "(\(kernel) dilated) is larger than the padded input's \(dimension) (\(paddedInput))"
        case .paddingTooLarge(let padding, let kernel): "(\(padding)) must be at most half of kernel_size (\(kernel))"
        case .overflow: "makes a size too large to represent"
        case .columnsTooLarge(let floats, let limit):
            "needs \(floats) floats of im2col scratch per output row, over the limit of \(limit)"
        }
    }

    public var description: String { "\(member) \(reason)" }
}
