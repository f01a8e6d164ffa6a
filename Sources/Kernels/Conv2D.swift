import CKernels

/// 2-D convolution (cross-correlation, as PyTorch's `conv2d`) of a batch of NCHW images:
/// `output[n, o, y, x] = bias[o] + Σ_{c, i, j} weight[o, c, i, j] · input[n, g·C/G + c, y·s + i·d − p, x·s + j·d − p]`
/// over the input channels of output channel o's group g, zero outside the input.
///
/// Each image and group is an im2col matrix times the group's weight on `gemm`, a band of output
/// rows at a time so the columns stay near 1 MiB (in a per-thread scratch buffer reused by every
/// call: nothing is allocated per call once it has grown); a 1×1, stride-1, unpadded convolution
/// multiplies the input in place. The bias is written first and the product added (`beta = 1`).
/// Batches split across threads by image (results do not depend on the thread count).
/// `input` has `geometry.inputCount` floats, `weight` `options.weightCount`, `bias` (optional)
/// `out_channels`, `output` `geometry.outputCount` (overwritten). `threads` caps the threads (all
/// usable cores when nil).
/// - Complexity: O(batch · out_channels · OH · OW · in_channels / groups · kh · kw).
public func conv2d(
    _ geometry: Conv2DGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, threads: Int? = nil
) {
    conv2d(
        geometry, input: input, weight: weight, bias: bias, output: output, isa: .detected,
        threads: threads ?? GemmThreading.maxThreads)
}

/// The gradients of `conv2d`: `inputGradient` (optional) is overwritten with ∂L/∂input;
/// `weightGradient` and `biasGradient` (optional) are accumulated into, as a layer's backward
/// accumulates. `outputGradient` has `geometry.outputCount` floats.
///
/// The input gradient is `weightᵀ · outputGradient` per image and group, scattered back by col2im
/// (split across threads by image); the weight gradient adds `outputGradient · im2colᵀ` image by
/// image in order (each gemm threaded), so its summation order is fixed; the bias gradient sums
/// each output channel in double.
/// - Complexity: as the forward pass, for each gradient asked for.
public func conv2dBackward(
    _ geometry: Conv2DGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
    weightGradient: UnsafeMutablePointer<Float>?, biasGradient: UnsafeMutablePointer<Float>?,
    threads: Int? = nil
) {
    conv2dBackward(
        geometry, input: input, weight: weight, outputGradient: outputGradient, inputGradient: inputGradient,
        weightGradient: weightGradient, biasGradient: biasGradient, isa: .detected,
        threads: threads ?? GemmThreading.maxThreads)
}

/// The shared arithmetic of the convolution kernels: one image's group-and-band loops.
struct Conv2DPlan {
    let geometry: Conv2DGeometry
    let isa: InstructionSet
    /// The scratch budget of one band of im2col columns, in floats (1 MiB): large enough for long
    /// gemm rows, small enough to stay in L2 while the gemm reads it. Tests lower it to get bands.
    static let defaultColumnsBudget = 1 << 18
    let columnsBudget: Int

    var options: Conv2DOptions { geometry.options }
    var groupIn: Int { options.inChannels / options.groups }
    var groupOut: Int { options.outChannels / options.groups }
    var inputPlane: Int { geometry.inputSize.height * geometry.inputSize.width }
    var outputPlane: Int { geometry.outputSize.height * geometry.outputSize.width }
    var groupWeight: Int { groupOut * geometry.columnRows }
    /// Output rows per band.
    var bandRows: Int {
        max(1, min(geometry.outputSize.height, columnsBudget / max(geometry.columnRows * geometry.outputSize.width, 1)))
    }

    /// Calls `body(oh0, oh1, columns, ldb)` per band of output rows of group `g` of one image, the
    /// band's im2col matrix in `columns` (the image itself for a pointwise convolution).
    func forEachBand(
        image: UnsafePointer<Float>, group g: Int,
        _ body: (Int, Int, UnsafePointer<Float>, Int) -> Void
    ) {
        let groupImage = image + g * groupIn * inputPlane
        if options.isPointwise {
            body(0, geometry.outputSize.height, groupImage, inputPlane)
            return
        }
        var window = geometry.window
        let width = geometry.outputSize.width
        let columns = ck_conv_scratch(geometry.columnRows * bandRows * width)!
        forEachBandRows { oh0, oh1 in
            ck_im2col(isa.cValue, &window, groupIn, oh0, oh1, groupImage, columns)
            body(oh0, oh1, columns, (oh1 - oh0) * width)
        }
    }

    /// Calls `body(oh0, oh1)` for each band of output rows, in order.
    func forEachBandRows(_ body: (Int, Int) -> Void) {
        var oh0 = 0
        while oh0 < geometry.outputSize.height {
            let oh1 = min(oh0 + bandRows, geometry.outputSize.height)
            body(oh0, oh1)
            oh0 = oh1
        }
    }

    func forward(
        image: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, threads: Int
    ) {
        if let bias { ck_fill_rows(bias, output, options.outChannels, outputPlane) }
        let width = geometry.outputSize.width
        for g in 0..<options.groups {
            let out = output + g * groupOut * outputPlane
            forEachBand(image: image, group: g) { oh0, oh1, columns, ldb in
                gemm(
                    .none, .none, m: groupOut, n: (oh1 - oh0) * width, k: geometry.columnRows, alpha: 1,
                    a: weight + g * groupWeight, lda: geometry.columnRows, b: columns, ldb: ldb,
                    beta: bias == nil ? 0 : 1, c: out + oh0 * width, ldc: outputPlane, isa: isa, threads: threads)
            }
        }
    }

    func inputGradient(
        outputGradient: UnsafePointer<Float>, weight: UnsafePointer<Float>, into gradient: UnsafeMutablePointer<Float>,
        threads: Int
    ) {
        let width = geometry.outputSize.width
        for g in 0..<options.groups {
            let dy = outputGradient + g * groupOut * outputPlane
            let dx = gradient + g * groupIn * inputPlane
            if options.isPointwise {
                gemm(
                    .transposed, .none, m: groupIn, n: inputPlane, k: groupOut, alpha: 1, a: weight + g * groupWeight,
                    lda: groupIn, b: dy, ldb: outputPlane, beta: 0, c: dx, ldc: inputPlane, isa: isa, threads: threads)
                continue
            }
            dx.update(repeating: 0, count: groupIn * inputPlane)
            var window = geometry.window
            let columns = ck_conv_scratch(geometry.columnRows * bandRows * width)!
            forEachBandRows { oh0, oh1 in
                let n = (oh1 - oh0) * width
                gemm(
                    .transposed, .none, m: geometry.columnRows, n: n, k: groupOut, alpha: 1,
                    a: weight + g * groupWeight, lda: geometry.columnRows, b: dy + oh0 * width, ldb: outputPlane,
                    beta: 0, c: columns, ldc: n, isa: isa, threads: threads)
                ck_col2im(isa.cValue, &window, groupIn, oh0, oh1, columns, dx)
            }
        }
    }

    func accumulateWeightGradient(
        image: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, into gradient: UnsafeMutablePointer<Float>,
        threads: Int
    ) {
        let width = geometry.outputSize.width
        for g in 0..<options.groups {
            let dy = outputGradient + g * groupOut * outputPlane
            forEachBand(image: image, group: g) { oh0, oh1, columns, ldb in
                gemm(
                    .none, .transposed, m: groupOut, n: geometry.columnRows, k: (oh1 - oh0) * width, alpha: 1,
                    a: dy + oh0 * width, lda: outputPlane, b: columns, ldb: ldb, beta: 1, c: gradient + g * groupWeight,
                    ldc: geometry.columnRows, isa: isa, threads: threads)
            }
        }
    }
}

func conv2d(
    _ geometry: Conv2DGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, isa: InstructionSet, threads: Int,
    columnsBudget: Int = Conv2DPlan.defaultColumnsBudget
) {
    precondition(threads >= 1, "conv2d: threads must be at least 1, got \(threads)")
    let plan = Conv2DPlan(geometry: geometry, isa: isa, columnsBudget: columnsBudget)
    let (inputAt, weightAt, outputAt) = (Int(bitPattern: input), Int(bitPattern: weight), Int(bitPattern: output))
    let biasAt = bias.map { Int(bitPattern: $0) }
    let (inputImage, outputImage) = (geometry.inputCount / max(geometry.batch, 1), plan.options.outChannels * plan.outputPlane)
    forEachRange(count: geometry.batch, flopsPerItem: geometry.flops / Double(max(geometry.batch, 1)), threads: threads) {
        images, gemmThreads in
        for n in images {
            plan.forward(
                image: UnsafePointer(bitPattern: inputAt)! + n * inputImage, weight: UnsafePointer(bitPattern: weightAt)!,
                bias: biasAt.map { UnsafePointer(bitPattern: $0)! },
                output: UnsafeMutablePointer(bitPattern: outputAt)! + n * outputImage, threads: gemmThreads)
        }
    }
}

func conv2dBackward(
    _ geometry: Conv2DGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
    weightGradient: UnsafeMutablePointer<Float>?, biasGradient: UnsafeMutablePointer<Float>?,
    isa: InstructionSet, threads: Int, columnsBudget: Int = Conv2DPlan.defaultColumnsBudget
) {
    precondition(threads >= 1, "conv2dBackward: threads must be at least 1, got \(threads)")
    let plan = Conv2DPlan(geometry: geometry, isa: isa, columnsBudget: columnsBudget)
    let inputImage = plan.options.inChannels * plan.inputPlane
    let outputImage = plan.options.outChannels * plan.outputPlane
    if let biasGradient {
        for o in 0..<plan.options.outChannels {
            var total = 0.0
            for n in 0..<geometry.batch {
                total += ck_sum(isa.cValue, outputGradient + n * outputImage + o * plan.outputPlane, plan.outputPlane)
            }
            biasGradient[o] += Float(total)
        }
    }
    if let weightGradient {
        for n in 0..<geometry.batch {
            plan.accumulateWeightGradient(
                image: input + n * inputImage, outputGradient: outputGradient + n * outputImage, into: weightGradient,
                threads: threads)
        }
    }
    if let inputGradient {
        let (dyAt, weightAt, dxAt) = (
            Int(bitPattern: outputGradient), Int(bitPattern: weight), Int(bitPattern: inputGradient)
        )
        forEachRange(count: geometry.batch, flopsPerItem: geometry.flops / Double(max(geometry.batch, 1)), threads: threads) {
            images, gemmThreads in
            for n in images {
                plan.inputGradient(
                    outputGradient: UnsafePointer(bitPattern: dyAt)! + n * outputImage,
                    weight: UnsafePointer(bitPattern: weightAt)!,
                    into: UnsafeMutablePointer(bitPattern: dxAt)! + n * inputImage, threads: gemmThreads)
            }
        }
    }
}
