import CKernels

/// A 2-D pooling's arguments, named and defaulted as `torch.nn.MaxPool2d` / `AvgPool2d`'s (`stride`
/// defaults to `kernel_size`), checked when made: sizes positive, padding at most half the kernel.
/// Average pooling has no dilation (it stays 1).
public struct Pool2DOptions: Sendable, Hashable {
    public let kernelSize: Size2D
    public let stride: Size2D
    public let padding: Size2D
    public let dilation: Size2D
    /// Whether a last window that starts inside the input (or its left padding) but runs past the
    /// padded input still makes an output, as PyTorch's `ceil_mode`.
    public let ceilMode: Bool

    public init(
        kernelSize: Size2D, stride: Size2D? = nil, padding: Size2D = Size2D(square: 0),
        dilation: Size2D = Size2D(square: 1), ceilMode: Bool = false
    ) throws(WindowShapeError) {
        try ShapeArithmetic.requirePositive(kernelSize, member: "kernel_size")
        let stride = stride ?? kernelSize
        try ShapeArithmetic.requirePositive(stride, member: "stride")
        try ShapeArithmetic.requireNonNegative(padding, member: "padding")
        try ShapeArithmetic.requirePositive(dilation, member: "dilation")
        for (p, k) in [(padding.height, kernelSize.height), (padding.width, kernelSize.width)] where p > k / 2 {
            throw .paddingTooLarge(padding: p, kernel: k)
        }
        for (kernel, d) in [(kernelSize.height, dilation.height), (kernelSize.width, dilation.width)] {
            _ = try ShapeArithmetic.dilatedExtent(kernel: kernel, dilation: d)
        }
        (self.kernelSize, self.stride, self.padding, self.dilation, self.ceilMode) =
            (kernelSize, stride, padding, dilation, ceilMode)
    }

    /// The output's height and width for an input of `size`, as PyTorch's `pooling_output_shape`:
    /// `⌊(size + 2·padding − dilation·(kernel − 1) − 1 (+ stride − 1 in ceil mode)) / stride⌋ + 1`,
    /// less one in ceil mode when the last window would start past the input and its left padding.
    public func outputSize(for size: Size2D) throws(WindowShapeError) -> Size2D {
        try ShapeArithmetic.outputSize(
            size, kernel: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
}

/// A pooling applied to `planes` planes (batch × channels) of one size, every product checked.
public struct Pool2DGeometry: Sendable, Hashable {
    public let options: Pool2DOptions
    /// Planes pooled independently: batch · channels of an NCHW tensor.
    public let planes: Int
    public let inputSize: Size2D
    public let outputSize: Size2D
    public let inputCount: Int
    public let outputCount: Int

    public init(_ options: Pool2DOptions, planes: Int, inputSize: Size2D) throws(WindowShapeError) {
        if planes < 0 { throw .negative(member: "batch", value: planes) }
        let outputSize = try options.outputSize(for: inputSize)
        // Max pooling records flat indices within a plane as Int32.
        let plane = try ShapeArithmetic.product([inputSize.height, inputSize.width], member: "input")
        if plane > Int(Int32.max) { throw .overflow(member: "input") }
        inputCount = try ShapeArithmetic.product([planes, plane], member: "input")
        outputCount = try ShapeArithmetic.product([planes, outputSize.height, outputSize.width], member: "input")
        (self.options, self.planes, self.inputSize, self.outputSize) = (options, planes, inputSize, outputSize)
    }

    var window: ck_window2d {
        ck_window2d(
            input: inputSize, kernel: options.kernelSize, stride: options.stride, padding: options.padding,
            dilation: options.dilation, output: outputSize)
    }

    /// Window taps per output: a pooling's work per element, to decide on threads.
    var tapsPerOutput: Double { Double(options.kernelSize.height * options.kernelSize.width) }
}
