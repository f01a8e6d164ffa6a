import Kernels

extension ONNXGraph {
    /// The output height and width of a 2-D window layer (Conv, MaxPool, AveragePool) on a
    /// per-sample input `[C, H, W]`: computed by `outputSize` when both are known sizes, else
    /// symbols named after the node.
    func windowOutput(
        _ sample: [ONNXMessages.Dimension], name: String, outputSize: (Size2D) throws -> Size2D
    ) -> [ONNXMessages.Dimension] {
        if sample.count == 3, case .size(let h) = sample[1], case .size(let w) = sample[2],
            let out = try? outputSize(Size2D(h, w))
        {
            return [.size(out.height), .size(out.width)]
        }
        return [.symbol(name + ".height"), .symbol(name + ".width")]
    }
}
