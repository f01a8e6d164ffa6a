import JSON
import Kernels

/// A `_pair` argument of PyTorch's 2-D layers (`kernel_size`, `stride`, `padding`, `dilation`)
/// as the spec gave it: an integer for both dimensions, or a list `[height, width]`. Kept as
/// given, because `print(net)` shows a pooling layer's arguments as they were given.
struct PairArgument: Sendable, Equatable {
    let size: Size2D
    let givenAsList: Bool

    /// The largest size a spec may give (a kernel, stride, padding or dilation of a million
    /// pixels is already absurd; the geometry checks every product again).
    static let limit = 1 << 20

    init(_ value: Int) {
        size = Size2D(square: value)
        givenAsList = false
    }

    init(_ size: Size2D, givenAsList: Bool) {
        self.size = size
        self.givenAsList = givenAsList
    }

    /// Reads an integer or a two-integer list, each from `minimum` to `limit`.
    static func read(_ value: JSONValue, at location: String, minimum: Int) throws -> PairArgument {
        func integer(_ v: JSONValue, at location: String) throws -> Int {
            guard case .number(let d) = v, d.isFinite, d == d.rounded(.towardZero), d >= Double(minimum) else {
                let kind = minimum == 0 ? "a non-negative integer" : "a positive integer"
                throw NeuralNetError.invalidSpec(location: location, reason: "must be \(kind), got \(v.shortDescription)")
            }
            guard d <= Double(limit) else {
                throw NeuralNetError.limitExceeded(location: location, reason: "is \(v.shortDescription), over the limit of \(limit)")
            }
            return Int(d)
        }
        if case .array(let items) = value {
            guard items.count == 2 else {
                throw NeuralNetError.invalidSpec(
                    location: location, reason: "must be an integer or a list of two integers [height, width], got \(items.count) items")
            }
            return PairArgument(
                Size2D(try integer(items[0], at: "\(location)[0]"), try integer(items[1], at: "\(location)[1]")), givenAsList: true)
        }
        return PairArgument(try integer(value, at: location))
    }

    var json: JSONValue {
        givenAsList ? .array([.number(Double(size.height)), .number(Double(size.width))]) : .number(Double(size.height))
    }

    /// As PyTorch prints the argument it was given (a pooling layer keeps it as given): `2`, or
    /// `[2, 3]` for a list, as the same JSON handed to `nn.MaxPool2d(**spec)` prints.
    var text: String { givenAsList ? "[\(size.height), \(size.width)]" : String(size.height) }
}

extension LayerSpec {
    /// A pair member, or `defaultValue` when absent (nil when there is no default and it is absent).
    func pair(_ key: String, minimum: Int, default defaultValue: Int?) throws -> PairArgument? {
        guard let value = members[key], value != .null else { return defaultValue.map(PairArgument.init) }
        return try PairArgument.read(value, at: "\(location).\(key)", minimum: minimum)
    }
}

extension WindowShapeError {
    /// The spec error naming the member of the layer at `location` (`spec.layers[0]`).
    func specError(at location: String) -> NeuralNetError {
        .invalidSpec(location: "\(location).\(member)", reason: reason)
    }
}

/// The NCHW checks shared by the 2-D layers: the per-sample shape `[C, H, W]` a layer at
/// `context`'s path receives, refused when it is not of rank 3.
func imageSample(_ input: FeatureShape, layer type: String, context: ShapeContext) throws -> [Int]? {
    guard case .sample(let s) = input else { return nil }
    guard s.count == 3 else {
        throw context.mismatch(
            "\(context.layerName(type)) needs images [channels, height, width] per sample, got a sample of shape \(formatShape(s))")
    }
    return s
}

/// A forward pass's input as `(batch, channels, height, width)`, or `incompatibleInput` naming
/// the layer when it is not a batch of images.
func imageBatch(_ x: Tensor, layer type: String, path: String) throws -> (batch: Int, channels: Int, size: Size2D) {
    guard x.rank == 4 else {
        throw NeuralNetError.incompatibleInput(
            "layer '\(path)' (\(type)) needs a batch of images [batch, channels, height, width], got shape \(formatShape(x.shape))")
    }
    return (x.shape[0], x.shape[1], Size2D(x.shape[2], x.shape[3]))
}
