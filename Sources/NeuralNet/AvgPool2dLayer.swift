import JSON
import Kernels

/// `nn.AvgPool2d`: the mean of each window of NCHW images (`kernel_size`, `stride` defaulting to
/// `kernel_size`, `padding` 0, `ceil_mode` false, `count_include_pad` true, `divisor_override`
/// none), forward and backward as PyTorch computes them.
struct AvgPool2dLayer: Layer {
    static let typeNames = ["avg_pool2d"]

    let arguments: Pool2dArguments
    let divisor: AveragePoolDivisor

    static func decode(_ spec: LayerSpec, decoder: inout SpecDecoder) throws -> AvgPool2dLayer {
        try spec.allow(["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"])
        let arguments = try Pool2dArguments.decode(spec, dilation: false)
        var override: Int?
        if let value = spec.members["divisor_override"], value != .null {
            override = try readPositiveInteger(value, at: "\(spec.location).divisor_override", limit: Int(Int32.max), limitName: "divisor")
        }
        let divisor = try AveragePoolDivisor(
            countIncludePad: try spec.bool("count_include_pad", default: true), divisorOverride: override)
        return AvgPool2dLayer(arguments: arguments, divisor: divisor)
    }

    var typeName: String { "avg_pool2d" }
    var className: String { "AvgPool2d" }

    func encode(_ node: ModuleNode, in model: Model) -> [String: JSONValue] {
        var m: [String: JSONValue] = ["type": .string("avg_pool2d")]
        arguments.encode(into: &m, dilation: false)
        if !divisor.countIncludePad { m["count_include_pad"] = .bool(false) }
        if let d = divisor.divisorOverride { m["divisor_override"] = .number(Double(d)) }
        return m
    }

    mutating func inferShape(_ input: FeatureShape, node: ModuleNode, context: inout ShapeContext) throws -> FeatureShape {
        try arguments.inferShape(input, layer: "avg_pool2d", context: context)
    }

    private struct Record {
        let geometry: Pool2DGeometry
        let inputShape: [Int]
    }

    func forward(_ x: consuming Tensor, node: ModuleNode, context: inout ForwardContext) throws -> Tensor {
        let g = try arguments.geometry(for: x, layer: "avg_pool2d", path: context.path)
        var y = [Float](unsafeUninitializedCapacity: g.outputCount) { _, count in count = g.outputCount }
        x.withUnsafeScalars { xp in
            y.withUnsafeMutableBufferPointer { yp in
                guard let out = yp.baseAddress else { return }
                avgPool2d(g, divisor: divisor, input: xp.baseAddress!, output: out)
            }
        }
        if context.isRecording { context.save(Record(geometry: g, inputShape: x.shape)) }
        return Tensor(validShape: [x.shape[0], x.shape[1], g.outputSize.height, g.outputSize.width], scalars: y)
    }

    func backward(_ dy: Tensor, node: ModuleNode, context: inout BackwardContext) -> Tensor {
        let record = context.pop(Record.self)
        guard context.needsInputGradient else { return Tensor(zeros: [0]) }
        var dx = Tensor(zeros: record.inputShape)
        if record.geometry.outputCount > 0 {
            dy.withUnsafeScalars { dyp in
                dx.withUnsafeMutableScalars { dxp in
                    avgPool2dBackward(record.geometry, divisor: divisor, outputGradient: dyp.baseAddress!, inputGradient: dxp.baseAddress!)
                }
            }
        }
        return dx
    }

    /// PyTorch's `AvgPool2d.extra_repr`.
    func describe(_ node: ModuleNode, in model: Model) -> String {
        "AvgPool2d(kernel_size=\(arguments.kernelSize.text), stride=\(arguments.strideText), padding=\(arguments.padding.text))"
    }

    /// AveragePool; a `divisor_override` d becomes a Mul by kh·kw/d after AveragePool counting
    /// the padding, exact for every window inside the padded input (any window without ceil_mode).
    func exportONNX(_ input: ONNXGraph.Value, node: ModuleNode, path: String, graph: inout ONNXGraph) -> ONNXGraph.Value {
        let name = graph.nodeName(path, self)
        let o = arguments.options
        let sample = Array(input.sample.prefix(1)) + graph.windowOutput(input.sample, name: name) { try o.outputSize(for: $0) }
        let countPad = divisor.divisorOverride != nil || divisor.countIncludePad
        let pooled = graph.emit(
            "AveragePool", name: name, inputs: [input.name],
            attributes: arguments.onnxAttributes + [.int("count_include_pad", countPad ? 1 : 0)], sample: sample)
        guard let d = divisor.divisorOverride else { return pooled }
        let factor = graph.constant(name + ".divisor", Float(o.kernelSize.height * o.kernelSize.width) / Float(d))
        return graph.emit("Mul", name: name + ".divisor_override", inputs: [pooled.name, factor], attributes: [], sample: sample)
    }
}
