/// Bounds a reader enforces so that hostile input fails fast instead of exhausting memory or
/// the stack.
///
/// The defaults suit request bodies of a parameter service: a 64 MiB document, 512 levels of
/// nesting (far beyond any real spec, far below what could hurt), and 2²⁶ tensor elements
/// (256 MiB of Float32).
public struct JSONLimits: Sendable, Equatable {
    /// Largest document, in bytes, that a reader accepts.
    public var maxBytes: Int
    /// Deepest nesting of arrays and objects; `[[1]]` has depth 2.
    public var maxDepth: Int
    /// Most elements a tensor decoded by ``JSONReader/readFloatTensor()`` may have.
    public var maxTensorElements: Int

    /// Limits with the defaults above unless given.
    public init(maxBytes: Int = 64 << 20, maxDepth: Int = 512, maxTensorElements: Int = 1 << 26) {
        precondition(maxBytes >= 0 && maxDepth >= 1 && maxTensorElements >= 0, "JSON limits must be positive")
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxTensorElements = maxTensorElements
    }
}
