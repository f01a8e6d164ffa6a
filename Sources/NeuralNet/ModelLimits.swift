/// Size limits a model spec must respect; every one is checked while decoding, before any
/// tensor is allocated, so a hostile spec costs a few microseconds, not the machine.
public struct ModelLimits: Sendable, Equatable {
    /// Parameters per model, tied parameters counted once. Default 100 million (400 MB).
    public var maxParameters: Int
    /// Largest `in` or `out` of a layer, and largest input feature count. Default 2²⁰.
    public var maxWidth: Int
    /// Deepest nesting of `sequential` modules. Default 32.
    public var maxDepth: Int
    /// Module positions in the tree, every use of a tied module counted. Default 10 000.
    public var maxModules: Int
    /// Elements of the largest activation one forward pass may produce (batch × the widest
    /// layer output), checked before the pass runs. Default 2²⁷ (512 MiB of Float32).
    public var maxActivationElements: Int

    public init(
        maxParameters: Int = 100_000_000, maxWidth: Int = 1 << 20, maxDepth: Int = 32, maxModules: Int = 10_000,
        maxActivationElements: Int = 1 << 27
    ) {
        self.maxParameters = maxParameters
        self.maxWidth = maxWidth
        self.maxDepth = maxDepth
        self.maxModules = maxModules
        self.maxActivationElements = maxActivationElements
    }

    /// The defaults above.
    public static let standard = ModelLimits()
}
