import CKernels

/// Average pooling's divisor options, as `torch.nn.AvgPool2d`'s `count_include_pad` and
/// `divisor_override`.
public struct AveragePoolDivisor: Sendable, Hashable {
    /// Whether padding counts in a window's size (PyTorch's default: true).
    public var countIncludePad: Bool
    /// A fixed divisor for every window instead of its size; nil for the window's size.
    public var divisorOverride: Int?

    /// Throws when `divisorOverride` is not positive (PyTorch refuses zero as well).
    public init(countIncludePad: Bool = true, divisorOverride: Int? = nil) throws(WindowShapeError) {
        if let divisorOverride, divisorOverride < 1 {
            throw .notPositive(member: "divisor_override", value: divisorOverride)
        }
        self.countIncludePad = countIncludePad
        self.divisorOverride = divisorOverride
    }

    /// PyTorch's defaults: padding counts, no override.
    public static let pytorchDefault = AveragePoolDivisor(countIncludePad: true)

    private init(countIncludePad: Bool) {
        self.countIncludePad = countIncludePad
        divisorOverride = nil
    }
}

/// Max pooling of every plane, as PyTorch's CPU `max_pool2d_with_indices`: each output is the first
/// maximum of its window in row-major order, a NaN in the window wins (and is returned), and
/// `indices` (optional, `outputCount` entries) receives its flat index `ih·width + iw` within its
/// plane, which `maxPool2dBackward` routes the gradient to. Planes split across threads.
/// - Complexity: O(outputCount · kh · kw), the inner loop over output columns vectorized.
public func maxPool2d(
    _ geometry: Pool2DGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
    indices: UnsafeMutablePointer<Int32>?, threads: Int? = nil
) {
    maxPool2d(
        geometry, input: input, output: output, indices: indices, isa: .detected,
        threads: threads ?? GemmThreading.maxThreads)
}

/// The gradient of `maxPool2d`: `inputGradient` (`inputCount` floats) is overwritten with zeros,
/// then each output's gradient is added at its recorded index, outputs in row-major order.
/// - Complexity: O(inputCount + outputCount).
public func maxPool2dBackward(
    _ geometry: Pool2DGeometry, outputGradient: UnsafePointer<Float>, indices: UnsafePointer<Int32>,
    inputGradient: UnsafeMutablePointer<Float>
) {
    inputGradient.update(repeating: 0, count: geometry.inputCount)
    var window = geometry.window
    ck_max_pool2d_backward(&window, geometry.planes, outputGradient, indices, inputGradient)
}

/// Average pooling of every plane, as PyTorch's `avg_pool2d`: the sum of each window's elements
/// inside the input divided by `divisor` (the window clipped to the padded input with
/// `countIncludePad`, else to the input; or the override). Summed in row-major window order.
/// Planes split across threads.
/// - Complexity: O(outputCount · kh · kw), the inner loop over output columns vectorized.
public func avgPool2d(
    _ geometry: Pool2DGeometry, divisor: AveragePoolDivisor = .pytorchDefault, input: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, threads: Int? = nil
) {
    avgPool2d(
        geometry, divisor: divisor, input: input, output: output, isa: .detected,
        threads: threads ?? GemmThreading.maxThreads)
}

/// The gradient of `avgPool2d`: `inputGradient` is overwritten with each output gradient spread
/// evenly over its window's elements inside the input (by the forward's divisor).
/// - Complexity: O(inputCount + outputCount · kh · kw).
public func avgPool2dBackward(
    _ geometry: Pool2DGeometry, divisor: AveragePoolDivisor = .pytorchDefault,
    outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>
) {
    avgPool2dBackward(geometry, divisor: divisor, outputGradient: outputGradient, inputGradient: inputGradient, isa: .detected)
}

func maxPool2d(
    _ geometry: Pool2DGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
    indices: UnsafeMutablePointer<Int32>?, isa: InstructionSet, threads: Int
) {
    precondition(threads >= 1, "maxPool2d: threads must be at least 1, got \(threads)")
    let plane = (geometry.inputSize.height * geometry.inputSize.width, geometry.outputSize.height * geometry.outputSize.width)
    let (x, y, i) = (Int(bitPattern: input), Int(bitPattern: output), indices.map { Int(bitPattern: $0) })
    forEachRange(count: geometry.planes, flopsPerItem: Double(plane.1) * geometry.tapsPerOutput, threads: threads) {
        planes, _ in
        var window = geometry.window
        ck_max_pool2d(
            isa.cValue, &window, planes.count, UnsafePointer(bitPattern: x)! + planes.lowerBound * plane.0,
            UnsafeMutablePointer(bitPattern: y)! + planes.lowerBound * plane.1,
            i.map { UnsafeMutablePointer<Int32>(bitPattern: $0)! + planes.lowerBound * plane.1 })
    }
}

func avgPool2d(
    _ geometry: Pool2DGeometry, divisor: AveragePoolDivisor, input: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, isa: InstructionSet, threads: Int
) {
    precondition(geometry.options.dilation == Size2D(square: 1), "avgPool2d: average pooling has no dilation")
    precondition(threads >= 1, "avgPool2d: threads must be at least 1, got \(threads)")
    let plane = (geometry.inputSize.height * geometry.inputSize.width, geometry.outputSize.height * geometry.outputSize.width)
    let (x, y) = (Int(bitPattern: input), Int(bitPattern: output))
    forEachRange(count: geometry.planes, flopsPerItem: Double(plane.1) * geometry.tapsPerOutput, threads: threads) {
        planes, _ in
        var window = geometry.window
        ck_avg_pool2d(
            isa.cValue, &window, planes.count, divisor.countIncludePad ? 1 : 0, divisor.divisorOverride ?? 0,
            UnsafePointer(bitPattern: x)! + planes.lowerBound * plane.0,
            UnsafeMutablePointer(bitPattern: y)! + planes.lowerBound * plane.1)
    }
}

func avgPool2dBackward(
    _ geometry: Pool2DGeometry, divisor: AveragePoolDivisor, outputGradient: UnsafePointer<Float>,
    inputGradient: UnsafeMutablePointer<Float>, isa: InstructionSet
) {
    precondition(geometry.options.dilation == Size2D(square: 1), "avgPool2dBackward: average pooling has no dilation")
    inputGradient.update(repeating: 0, count: geometry.inputCount)
    var window = geometry.window
    ck_avg_pool2d_backward(
        isa.cValue, &window, geometry.planes, divisor.countIncludePad ? 1 : 0, divisor.divisorOverride ?? 0,
        outputGradient, inputGradient)
}
