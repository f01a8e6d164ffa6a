import CKernels

/// A 2-D convolution's arguments, named and defaulted as `torch.nn.Conv2d`'s, checked when made:
/// every size positive (padding non-negative), `groups` dividing both channel counts, and the
/// weight's element count representable.
public struct Conv2DOptions: Sendable, Hashable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Size2D
    public let stride: Size2D
    public let padding: Size2D
    public let dilation: Size2D
    public let groups: Int
    /// Elements of the weight, `out_channels · in_channels / groups · kh · kw`.
    public let weightCount: Int

    public init(
        inChannels: Int, outChannels: Int, kernelSize: Size2D, stride: Size2D = Size2D(square: 1),
        padding: Size2D = Size2D(square: 0), dilation: Size2D = Size2D(square: 1), groups: Int = 1
    ) throws(WindowShapeError) {
        if inChannels < 1 { throw .notPositive(member: "in_channels", value: inChannels) }
        if outChannels < 1 { throw .notPositive(member: "out_channels", value: outChannels) }
        try ShapeArithmetic.requirePositive(kernelSize, member: "kernel_size")
        try ShapeArithmetic.requirePositive(stride, member: "stride")
        try ShapeArithmetic.requireNonNegative(padding, member: "padding")
        try ShapeArithmetic.requirePositive(dilation, member: "dilation")
        if groups < 1 { throw .notPositive(member: "groups", value: groups) }
        if inChannels % groups != 0 {
            throw .groupsDoNotDivide(member: "in_channels", channels: inChannels, groups: groups)
        }
        if outChannels % groups != 0 {
            throw .groupsDoNotDivide(member: "out_channels", channels: outChannels, groups: groups)
        }
        for (kernel, d) in [(kernelSize.height, dilation.height), (kernelSize.width, dilation.width)] {
            _ = try ShapeArithmetic.dilatedExtent(kernel: kernel, dilation: d)
        }
        weightCount = try ShapeArithmetic.product(
            [outChannels, inChannels / groups, kernelSize.height, kernelSize.width], member: "out_channels")
        (self.inChannels, self.outChannels, self.kernelSize, self.stride) = (inChannels, outChannels, kernelSize, stride)
        (self.padding, self.dilation, self.groups) = (padding, dilation, groups)
    }

    /// The weight's shape `[out_channels, in_channels / groups, kh, kw]`, as PyTorch stores it.
    public var weightShape: [Int] { [outChannels, inChannels / groups, kernelSize.height, kernelSize.width] }

    /// The output's height and width for an input of `size`:
    /// `⌊(size + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1` per dimension.
    /// Throws when the dilated kernel does not fit in the padded input.
    public func outputSize(for size: Size2D) throws(WindowShapeError) -> Size2D {
        try ShapeArithmetic.outputSize(
            size, kernel: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: false)
    }

    /// Whether the convolution is a per-pixel product (1×1 kernel, stride 1, no padding), so the
    /// input itself is the im2col matrix.
    var isPointwise: Bool {
        kernelSize == Size2D(square: 1) && stride == Size2D(square: 1) && padding == Size2D(square: 0)
    }
}

/// A convolution applied to a batch of NCHW inputs of one size: the options plus every size the
/// kernels need, each product checked, so a caller can allocate `outputCount` floats safely.
public struct Conv2DGeometry: Sendable, Hashable {
    public let options: Conv2DOptions
    public let batch: Int
    public let inputSize: Size2D
    public let outputSize: Size2D
    /// Elements of the input `[batch, in_channels, H, W]` and output `[batch, out_channels, OH, OW]`.
    public let inputCount: Int
    public let outputCount: Int
    /// Rows of one group's im2col matrix: `in_channels / groups · kh · kw`.
    let columnRows: Int
    /// The most im2col floats one output row may need (256 MiB): ResNet-50's largest is 2.4 MB.
    public static let maxRowColumns = 1 << 26

    public init(_ options: Conv2DOptions, batch: Int, inputSize: Size2D) throws(WindowShapeError) {
        if batch < 0 { throw .negative(member: "batch", value: batch) }
        let outputSize = try options.outputSize(for: inputSize)
        inputCount = try ShapeArithmetic.product(
            [batch, options.inChannels, inputSize.height, inputSize.width], member: "input")
        outputCount = try ShapeArithmetic.product(
            [batch, options.outChannels, outputSize.height, outputSize.width], member: "input")
        columnRows = try ShapeArithmetic.product(
            [options.inChannels / options.groups, options.kernelSize.height, options.kernelSize.width],
            member: "kernel_size")
        // A band holds at least one output row of im2col columns: bounded, so that no spec can
        // make the per-thread scratch buffer absurd (allocation failure aborts the process).
        let rowColumns = try ShapeArithmetic.product([columnRows, outputSize.width], member: "kernel_size")
        guard rowColumns <= Self.maxRowColumns || options.isPointwise else {
            throw .columnsTooLarge(floats: rowColumns, limit: Self.maxRowColumns)
        }
        (self.options, self.batch, self.inputSize, self.outputSize) = (options, batch, inputSize, outputSize)
    }

    /// Multiply-adds times two: the forward pass's floating-point operations.
    public var flops: Double {
        2 * Double(outputCount) * Double(columnRows)
    }

    var window: ck_window2d {
        ck_window2d(
            input: inputSize, kernel: options.kernelSize, stride: options.stride,
            padding: options.padding, dilation: options.dilation, output: outputSize)
    }
}
