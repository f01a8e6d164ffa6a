/// Everything in NeuralNet that can fail on user input throws this.
///
/// `description` is a sentence a person can act on; `category` tells a caller whether the
/// input itself was malformed (`.badRequest`: a bad spec, rule, slice or option) or was
/// well-formed but cannot apply (`.cannotApply`: unknown path, wrong shape, input width
/// mismatch, a size over a limit), so a caller can classify failures without parsing messages.
public enum NeuralNetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A model spec is malformed: `location` is its JSON path (`spec.layers[2].out`).
    case invalidSpec(location: String, reason: String)
    /// A spec or input would exceed a size limit; nothing was allocated.
    case limitExceeded(location: String, reason: String)
    /// Initialization rules, an optimizer, a slice or another option is malformed.
    case invalidArgument(location: String, reason: String)
    /// No parameter has this path (nor alias).
    case unknownParameter(path: String)
    /// No module has this path.
    case unknownModule(path: String)
    /// A pattern that should select something selects nothing.
    case noMatch(location: String, pattern: String)
    /// The parameter belongs to a layer whose input width is still unknown.
    case notMaterialized(path: String)
    /// A value's shape differs from the shape it must have.
    case shapeMismatch(path: String, expected: [Int], got: [Int])
    /// An index or slice lies outside a tensor.
    case indexOutOfRange(path: String, index: String, shape: [Int])
    /// An input or target does not fit the model; the sentence names layer and shapes.
    case incompatibleInput(String)
    /// A fan-based initializer was asked to fill a tensor with fewer than two dimensions, etc.
    case initializerNotApplicable(path: String, initializer: String, reason: String)

    /// How a caller should classify the failure.
    public enum Category: Sendable, Equatable {
        /// The input is malformed whatever the model's state.
        case badRequest
        /// The input is well-formed but does not fit this model, or would exceed a limit.
        case cannotApply
    }

    public var category: Category {
        switch self {
        case .invalidSpec, .invalidArgument: .badRequest
        case .limitExceeded, .unknownParameter, .unknownModule, .noMatch, .notMaterialized, .shapeMismatch,
            .indexOutOfRange, .incompatibleInput, .initializerNotApplicable:
            .cannotApply
        }
    }

    public var description: String {
        switch self {
        case .invalidSpec(let location, let reason), .limitExceeded(let location, let reason),
            .invalidArgument(let location, let reason):
            "\(location) \(reason)"
        case .unknownParameter(let path):
            "no parameter has the path '\(path)'"
        case .unknownModule(let path):
            "no module has the path '\(path)'"
        case .noMatch(let location, let pattern):
            "\(location) '\(pattern)' matches nothing in this model"
        case .notMaterialized(let path):
            "parameter '\(path)' has no value yet: its layer learns its input width from the first forward pass or an input_shape"
        case .shapeMismatch(let path, let expected, let got):
            "'\(path)' has shape \(formatShape(expected)) but the value given has shape \(formatShape(got))"
        case .indexOutOfRange(let path, let index, let shape):
            "index \(index) is outside '\(path)', whose shape is \(formatShape(shape))"
        case .incompatibleInput(let sentence):
            sentence
        case .initializerNotApplicable(let path, let initializer, let reason):
            "\(initializer) cannot initialize '\(path)': \(reason)"
        }
    }
}

/// `[2, 3]`, the way shapes appear in every message.
func formatShape(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}
