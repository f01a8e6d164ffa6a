import JSON
import Kernels

/// `nn.Conv2d`: a 2-D cross-correlation of NCHW images, `y = b + W ⋆ x`, with PyTorch's
/// arguments and defaults (`stride` 1, `padding` 0, `dilation` 1, `groups` 1, `bias` true; each
/// size an integer or `[height, width]`). Weight `[out_channels, in_channels / groups, kh, kw]`.
struct Conv2dLayer: Layer {
    static let typeNames = ["conv2d"]

    let options: Conv2DOptions
    let weight: ParameterID
    let bias: ParameterID?

    static func decode(_ spec: LayerSpec, decoder: inout SpecDecoder) throws -> Conv2dLayer {
        try spec.allow(["in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias"])
        let width = decoder.limits.maxWidth
        let inChannels = try spec.positiveInteger("in_channels", limit: width)
        let outChannels = try spec.positiveInteger("out_channels", limit: width)
        guard let kernel = try spec.pair("kernel_size", minimum: 1, default: nil) else {
            throw NeuralNetError.invalidSpec(location: spec.location, reason: "is a conv2d layer and needs \"kernel_size\"")
        }
        let stride = try spec.pair("stride", minimum: 1, default: 1)!
        let padding = try spec.pair("padding", minimum: 0, default: 0)!
        let dilation = try spec.pair("dilation", minimum: 1, default: 1)!
        let groups = try spec.positiveInteger("groups", limit: width, default: 1)
        let options: Conv2DOptions
        do {
            options = try Conv2DOptions(
                inChannels: inChannels, outChannels: outChannels, kernelSize: kernel.size, stride: stride.size,
                padding: padding.size, dilation: dilation.size, groups: groups)
        } catch {
            throw error.specError(at: spec.location)
        }
        let hasBias = try spec.bool("bias", default: true)
        let layer = Conv2dLayer(options: options, weight: decoder.newTensorID(), bias: hasBias ? decoder.newTensorID() : nil)
        try decoder.countParameters(of: layer, location: spec.location)
        return layer
    }

    var typeName: String { "conv2d" }
    var className: String { "Conv2d" }
    var sizeLabel: String { "conv2d \(options.inChannels)→\(options.outChannels)" }

    func encode(_ node: ModuleNode, in model: Model) -> [String: JSONValue] {
        func pair(_ s: Size2D) -> JSONValue {
            s.height == s.width ? .number(Double(s.height)) : .array([.number(Double(s.height)), .number(Double(s.width))])
        }
        var m: [String: JSONValue] = [
            "type": .string("conv2d"), "in_channels": .number(Double(options.inChannels)),
            "out_channels": .number(Double(options.outChannels)), "kernel_size": pair(options.kernelSize)
        ]
        if options.stride != Size2D(square: 1) { m["stride"] = pair(options.stride) }
        if options.padding != Size2D(square: 0) { m["padding"] = pair(options.padding) }
        if options.dilation != Size2D(square: 1) { m["dilation"] = pair(options.dilation) }
        if options.groups != 1 { m["groups"] = .number(Double(options.groups)) }
        if bias == nil { m["bias"] = .bool(false) }
        return m
    }

    var parameters: [LayerTensor] {
        [LayerTensor(name: "weight", id: weight, shape: options.weightShape)]
            + (bias.map { [LayerTensor(name: "bias", id: $0, shape: [options.outChannels])] } ?? [])
    }

    func defaultInitializer(_ framework: Initializer.Framework, for tensor: LayerTensor) -> Initializer {
        switch (framework, tensor.role) {
        case (.pytorch, .weight): return .kaimingUniform(a: (5.0).squareRoot(), mode: .fanIn, nonlinearity: .leakyRelu)
        case (.pytorch, .bias):
            // _ConvNd.reset_parameters: bound = 1/√fan_in, fan_in = in_channels / groups · kh · kw.
            let fanIn = Double(options.weightCount / options.outChannels)
            return .uniform(a: -1 / fanIn.squareRoot(), b: 1 / fanIn.squareRoot())
        case (.mxnet, .weight): return .uniform(a: -0.07, b: 0.07)
        case (.keras, .weight): return .xavierUniform(gain: 1)
        case (.mxnet, .bias), (.keras, .bias): return .zeros
        }
    }

    mutating func inferShape(_ input: FeatureShape, node: ModuleNode, context: inout ShapeContext) throws -> FeatureShape {
        defer { context.sawWidthLayer = true }
        guard let sample = try imageSample(input, layer: "conv2d", context: context) else { return .unknown }
        guard sample[0] == options.inChannels else {
            throw context.mismatch(
                "\(context.layerName("conv2d")) expects \(options.inChannels) input channels but receives \(sample[0])")
        }
        let size: Size2D
        do {
            size = try Conv2DGeometry(options, batch: 1, inputSize: Size2D(sample[1], sample[2])).outputSize
        } catch {
            throw context.mismatch("\(context.layerName("conv2d")) cannot take images of \(sample[1])×\(sample[2]): \(error)")
        }
        let out = [options.outChannels, size.height, size.width]
        try context.checkSize(out, what: "conv2d")
        return .sample(out)
    }

    func inputDemand(_ node: ModuleNode, in model: Model) -> InputDemand? {
        InputDemand(sample: [options.inChannels, -1, -1])
    }

    private struct Record {
        let input: Tensor
        let geometry: Conv2DGeometry
    }

    func geometry(for x: Tensor, path: String) throws -> Conv2DGeometry {
        let (batch, channels, size) = try imageBatch(x, layer: "conv2d", path: path)
        guard channels == options.inChannels else {
            throw NeuralNetError.incompatibleInput(
                "layer '\(path)' (conv2d) expects \(options.inChannels) input channels but receives \(channels) (input shape \(formatShape(x.shape)))"
            )
        }
        do {
            return try Conv2DGeometry(options, batch: batch, inputSize: size)
        } catch {
            throw NeuralNetError.incompatibleInput("layer '\(path)' (conv2d) cannot take input of shape \(formatShape(x.shape)): \(error)")
        }
    }

    func forward(_ x: consuming Tensor, node: ModuleNode, context: inout ForwardContext) throws -> Tensor {
        let g = try geometry(for: x, path: context.path)
        // conv2d writes every output element.
        var y = [Float](unsafeUninitializedCapacity: g.outputCount) { _, count in count = g.outputCount }
        let w = context.value(weight)
        let b = bias.map { context.value($0) }
        x.withUnsafeScalars { xp in
            w.withUnsafeScalars { wp in
                y.withUnsafeMutableBufferPointer { yp in
                    guard let out = yp.baseAddress else { return }
                    if let b {
                        b.withUnsafeScalars {
                            conv2d(g, input: xp.baseAddress!, weight: wp.baseAddress!, bias: $0.baseAddress!, output: out)
                        }
                    } else {
                        conv2d(g, input: xp.baseAddress!, weight: wp.baseAddress!, bias: nil, output: out)
                    }
                }
            }
        }
        if context.isRecording { context.save(Record(input: x, geometry: g)) }
        return Tensor(validShape: [g.batch, options.outChannels, g.outputSize.height, g.outputSize.width], scalars: y)
    }

    /// Adds the weight and bias gradients; returns dL/dx (empty when not needed).
    func backward(_ dy: Tensor, node: ModuleNode, context: inout BackwardContext) -> Tensor {
        let record = context.pop(Record.self)
        let g = record.geometry
        let w = context.store.values[weight]!
        var dW = context.takeGradient(weight, shape: w.shape)
        var dB = bias.map { context.takeGradient($0, shape: [options.outChannels]) }
        let needsInputGradient = context.needsInputGradient
        var dX = Tensor(zeros: needsInputGradient ? record.input.shape : [0])
        if g.outputCount > 0 {
            record.input.withUnsafeScalars { xp in
                w.withUnsafeScalars { wp in
                    dy.withUnsafeScalars { dyp in
                        dW.withUnsafeMutableScalars { dwp in
                            dX.withUnsafeMutableScalars { dxp in
                                func run(_ db: UnsafeMutablePointer<Float>?) {
                                    conv2dBackward(
                                        g, input: xp.baseAddress!, weight: wp.baseAddress!, outputGradient: dyp.baseAddress!,
                                        inputGradient: needsInputGradient ? dxp.baseAddress : nil, weightGradient: dwp.baseAddress!,
                                        biasGradient: db)
                                }
                                if dB != nil { dB!.withUnsafeMutableScalars { run($0.baseAddress!) } } else { run(nil) }
                            }
                        }
                    }
                }
            }
        }
        context.putGradient(weight, dW)
        if let bias, let dB { context.putGradient(bias, dB) }
        return dX
    }

    /// PyTorch's `_ConvNd.extra_repr`: every pair as a tuple; padding, dilation, groups and bias
    /// only when not the default.
    func describe(_ node: ModuleNode, in model: Model) -> String {
        func tuple(_ s: Size2D) -> String { "(\(s.height), \(s.width))" }
        var text =
            "Conv2d(\(options.inChannels), \(options.outChannels), kernel_size=\(tuple(options.kernelSize)), stride=\(tuple(options.stride))"
        if options.padding != Size2D(square: 0) { text += ", padding=\(tuple(options.padding))" }
        if options.dilation != Size2D(square: 1) { text += ", dilation=\(tuple(options.dilation))" }
        if options.groups != 1 { text += ", groups=\(options.groups)" }
        if bias == nil { text += ", bias=False" }
        return text + ")"
    }

    func exportONNX(_ input: ONNXGraph.Value, node: ModuleNode, path: String, graph: inout ONNXGraph) -> ONNXGraph.Value {
        let name = graph.nodeName(path, self)
        let inputs = [input.name, graph.parameterName(weight)] + (bias.map { [graph.parameterName($0)] } ?? [])
        let o = options
        let spatial = graph.windowOutput(input.sample, name: name) { size in try o.outputSize(for: size) }
        let sample = [ONNXMessages.Dimension.size(o.outChannels)] + spatial
        return graph.emit(
            "Conv", name: name, inputs: inputs,
            attributes: [
                .ints("kernel_shape", [o.kernelSize.height, o.kernelSize.width]),
                .ints("strides", [o.stride.height, o.stride.width]),
                .ints("pads", [o.padding.height, o.padding.width, o.padding.height, o.padding.width]),
                .ints("dilations", [o.dilation.height, o.dilation.width]),
                .int("group", o.groups)
            ],
            sample: sample)
    }
}
