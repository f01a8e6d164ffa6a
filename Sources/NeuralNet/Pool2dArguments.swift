import JSON
import Kernels

/// The arguments `nn.MaxPool2d` and `nn.AvgPool2d` share, as the spec gave them: `kernel_size`,
/// `stride` (defaults to `kernel_size`), `padding` (0), `dilation` (1; max pooling only) and
/// `ceil_mode` (false), checked into `Pool2DOptions`.
struct Pool2dArguments: Sendable, Equatable {
    let kernelSize: PairArgument
    /// Nil when the spec left it to default to `kernel_size`.
    let stride: PairArgument?
    let padding: PairArgument
    let dilation: PairArgument
    let options: Pool2DOptions

    static func decode(_ spec: LayerSpec, dilation hasDilation: Bool) throws -> Pool2dArguments {
        guard let kernel = try spec.pair("kernel_size", minimum: 1, default: nil) else {
            throw NeuralNetError.invalidSpec(location: spec.location, reason: "is a \(spec.type) layer and needs \"kernel_size\"")
        }
        let stride = try spec.pair("stride", minimum: 1, default: nil)
        let padding = try spec.pair("padding", minimum: 0, default: 0)!
        let dilation = hasDilation ? try spec.pair("dilation", minimum: 1, default: 1)! : PairArgument(1)
        do {
            let options = try Pool2DOptions(
                kernelSize: kernel.size, stride: stride?.size, padding: padding.size, dilation: dilation.size,
                ceilMode: try spec.bool("ceil_mode", default: false))
            return Pool2dArguments(kernelSize: kernel, stride: stride, padding: padding, dilation: dilation, options: options)
        } catch let error as WindowShapeError {
            throw error.specError(at: spec.location)
        }
    }

    /// The members that re-create these arguments.
    func encode(into m: inout [String: JSONValue], dilation hasDilation: Bool) {
        m["kernel_size"] = kernelSize.json
        if let stride { m["stride"] = stride.json }
        if padding.size != Size2D(square: 0) { m["padding"] = padding.json }
        if hasDilation && dilation.size != Size2D(square: 1) { m["dilation"] = dilation.json }
        if options.ceilMode { m["ceil_mode"] = .bool(true) }
    }

    /// The stride as PyTorch prints it: as given, or `kernel_size` as given.
    var strideText: String { (stride ?? kernelSize).text }

    /// The per-sample output `[C, OH, OW]` for `[C, H, W]`, checked, or nil when the input's
    /// shape is not known.
    func inferShape(_ input: FeatureShape, layer type: String, context: ShapeContext) throws -> FeatureShape {
        guard let sample = try imageSample(input, layer: type, context: context) else { return .unknown }
        do {
            let size = try options.outputSize(for: Size2D(sample[1], sample[2]))
            return .sample([sample[0], size.height, size.width])
        } catch {
            throw context.mismatch("\(context.layerName(type)) cannot take images of \(sample[1])×\(sample[2]): \(error)")
        }
    }

    /// The geometry of a forward pass on `x`, or `incompatibleInput` naming the layer.
    func geometry(for x: Tensor, layer type: String, path: String) throws -> Pool2DGeometry {
        let (batch, channels, size) = try imageBatch(x, layer: type, path: path)
        do {
            return try Pool2DGeometry(options, planes: batch * channels, inputSize: size)
        } catch {
            throw NeuralNetError.incompatibleInput("layer '\(path)' (\(type)) cannot take input of shape \(formatShape(x.shape)): \(error)")
        }
    }

    /// ONNX's common pooling attributes; `pads` is [top, left, bottom, right].
    var onnxAttributes: [ONNXMessages.Attribute] {
        let o = options
        return [
            .ints("kernel_shape", [o.kernelSize.height, o.kernelSize.width]),
            .ints("strides", [o.stride.height, o.stride.width]),
            .ints("pads", [o.padding.height, o.padding.width, o.padding.height, o.padding.width]),
            .int("ceil_mode", o.ceilMode ? 1 : 0)
        ]
    }
}
