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
