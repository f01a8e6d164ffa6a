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

    /// Outputs along one dimension, as PyTorch's `pooling_output_shape` (a convolution is the
    /// case without ceil mode): `⌊(input + 2·padding − extent (+ stride − 1 in ceil mode)) / stride⌋ + 1`
    /// with `extent = dilation·(kernel − 1) + 1`, less one in ceil mode when the last window would
    /// start past the input and its left padding. Throws when the dilated kernel does not fit.
    static func outputCount(
        input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, ceilMode: Bool, dimension: String
    ) throws(WindowShapeError) -> Int {
        let padded = try sum([input, padding, padding], member: "padding")
        let extent = try dilatedExtent(kernel: kernel, dilation: dilation)
        guard extent <= padded else {
            throw .kernelLargerThanInput(dimension: dimension, kernel: extent, paddedInput: padded)
        }
        var count = (padded - extent + (ceilMode ? stride - 1 : 0)) / stride + 1
        if ceilMode && (count - 1) * stride >= input + padding { count -= 1 }
        return count
    }

    /// Both output dimensions of `outputCount` for an input of `size`.
    static func outputSize(
        _ size: Size2D, kernel: Size2D, stride: Size2D, padding: Size2D, dilation: Size2D, ceilMode: Bool
    ) throws(WindowShapeError) -> Size2D {
        try requirePositive(size, member: "input")
        return Size2D(
            try outputCount(
                input: size.height, kernel: kernel.height, stride: stride.height, padding: padding.height,
                dilation: dilation.height, ceilMode: ceilMode, dimension: "height"),
            try outputCount(
                input: size.width, kernel: kernel.width, stride: stride.width, padding: padding.width,
                dilation: dilation.width, ceilMode: ceilMode, dimension: "width"))
    }

    /// `dilation·(kernel − 1) + 1`, the span a dilated kernel covers.
    static func dilatedExtent(kernel: Int, dilation: Int) throws(WindowShapeError) -> Int {
        try sum([product([dilation, kernel - 1], member: "dilation"), 1], member: "dilation")
    }
}
