/// The identity of one parameter tensor in a model's store.
///
/// Tying is two places in the module tree holding one `ParameterID`: one storage, one
/// gradient (the sum over every use), one entry in the parameter listing.
public struct ParameterID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static func < (a: ParameterID, b: ParameterID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "#\(rawValue)" }
}

/// Which tensor of a layer a parameter is.
public enum ParameterRole: String, Sendable, Equatable {
    /// Shape (out, in), as PyTorch and Gluon store it.
    case weight
    /// Shape (out).
    case bias
}
