/// A pair of sizes for the two spatial dimensions of an NCHW tensor: a kernel size, stride,
/// padding, dilation or an image's height and width, as PyTorch's `_pair` arguments.
public struct Size2D: Sendable, Hashable, CustomStringConvertible {
    public var height: Int
    public var width: Int

    public init(_ height: Int, _ width: Int) {
        self.height = height
        self.width = width
    }

    /// Both dimensions `size` (PyTorch's int argument for a pair).
    public init(square size: Int) { self.init(size, size) }

    public var description: String { "(\(height), \(width))" }
}

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

    /// The spec member the error is about.
    public var member: String {
        switch self {
        case .notPositive(let member, _), .negative(let member, _), .groupsDoNotDivide(let member, _, _),
            .overflow(let member):
            member
        case .kernelLargerThanInput: "kernel_size"
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
        }
    }

    public var description: String { "\(member) \(reason)" }
}

/// Checked arithmetic for shape validation: every product throws instead of trapping.
enum ShapeArithmetic {
    static func product(_ factors: [Int], member: String) throws(WindowShapeError) -> Int {
        var result = 1
        for factor in factors {
            let (value, overflow) = result.multipliedReportingOverflow(by: factor)
            guard !overflow else { throw .overflow(member: member) }
            result = value
        }
        return result
    }

    static func sum(_ terms: [Int], member: String) throws(WindowShapeError) -> Int {
        var result = 0
        for term in terms {
            let (value, overflow) = result.addingReportingOverflow(term)
            guard !overflow else { throw .overflow(member: member) }
            result = value
        }
        return result
    }

    static func requirePositive(_ size: Size2D, member: String) throws(WindowShapeError) {
        for value in [size.height, size.width] where value < 1 { throw .notPositive(member: member, value: value) }
    }

    static func requireNonNegative(_ size: Size2D, member: String) throws(WindowShapeError) {
        for value in [size.height, size.width] where value < 0 { throw .negative(member: member, value: value) }
    }

    /// `dilation·(kernel − 1) + 1`, the span a dilated kernel covers.
    static func dilatedExtent(kernel: Int, dilation: Int) throws(WindowShapeError) -> Int {
        try sum([product([dilation, kernel - 1], member: "dilation"), 1], member: "dilation")
    }
}
