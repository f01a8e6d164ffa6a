import CKernels
import Dispatch

extension ck_window2d {
    /// The C kernels' description of one plane's window sweep.
    init(input: Size2D, kernel: Size2D, stride: Size2D, padding: Size2D, dilation: Size2D, output: Size2D) {
        self.init(
            height: input.height, width: input.width, kernel_h: kernel.height, kernel_w: kernel.width,
            stride_h: stride.height, stride_w: stride.width, pad_h: padding.height, pad_w: padding.width,
            dilation_h: dilation.height, dilation_w: dilation.width, out_h: output.height, out_w: output.width)
    }
}

/// Runs `body` over `count` items (images or planes) in contiguous ranges: on up to `threads`
/// threads when each would get at least `minFlopsPerThread` of the `flopsPerItem`-weighted work,
/// else in one call. `body` gets its range and the threads it may use itself (all of them when it
/// runs alone, 1 inside a parallel part). Items are independent, so results do not depend on the cut.
func forEachRange(
    count: Int, flopsPerItem: Double, threads: Int, minFlopsPerThread: Int = GemmThreading.minFlopsPerThread,
    _ body: @Sendable (Range<Int>, Int) -> Void
) {
    let byWork = Double(count) * flopsPerItem / Double(max(minFlopsPerThread, 1))
    let parts = min(threads, count, Int(min(byWork, Double(Int32.max))))
    guard parts > 1 else {
        body(0..<count, threads)
        return
    }
    let chunk = (count + parts - 1) / parts
    DispatchQueue.concurrentPerform(iterations: parts) { part in
        let start = part * chunk
        let end = min(start + chunk, count)
        if start < end { body(start..<end, 1) }
    }
}
