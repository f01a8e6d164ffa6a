import JSON
import Kernels

/// `nn.MaxPool2d`: the maximum of each window of NCHW images (`kernel_size`, `stride` defaulting
/// to `kernel_size`, `padding` 0, `dilation` 1, `ceil_mode` false). Backward routes each output's
/// gradient to the element its forward pass chose, as PyTorch does (the first maximum of the window).
struct MaxPool2dLayer: Layer {
    static let typeNames = ["max_pool2d"]

    let arguments: Pool2dArguments

    static func decode(_ spec: LayerSpec, decoder: inout SpecDecoder) throws -> MaxPool2dLayer {
        try spec.allow(["kernel_size", "stride", "padding", "dilation", "ceil_mode"])
        return MaxPool2dLayer(arguments: try Pool2dArguments.decode(spec, dilation: true))
    }

    var typeName: String { "max_pool2d" }
    var className: String { "MaxPool2d" }

    func encode(_ node: ModuleNode, in model: Model) -> [String: JSONValue] {
        var m: [String: JSONValue] = ["type": .string("max_pool2d")]
        arguments.encode(into: &m, dilation: true)
        return m
    }

    mutating func inferShape(_ input: FeatureShape, node: ModuleNode, context: inout ShapeContext) throws -> FeatureShape {
        try arguments.inferShape(input, layer: "max_pool2d", context: context)
    }

    private struct Record {
        let geometry: Pool2DGeometry
        let inputShape: [Int]
        let indices: [Int32]
    }

    func forward(_ x: consuming Tensor, node: ModuleNode, context: inout ForwardContext) throws -> Tensor {
        let g = try arguments.geometry(for: x, layer: "max_pool2d", path: context.path)
        var y = [Float](unsafeUninitializedCapacity: g.outputCount) { _, count in count = g.outputCount }
        var indices = [Int32](unsafeUninitializedCapacity: context.isRecording ? g.outputCount : 0) { _, count in
            count = context.isRecording ? g.outputCount : 0
        }
        let recording = context.isRecording
        x.withUnsafeScalars { xp in
            y.withUnsafeMutableBufferPointer { yp in
                indices.withUnsafeMutableBufferPointer { ip in
                    guard let out = yp.baseAddress else { return }
                    maxPool2d(g, input: xp.baseAddress!, output: out, indices: recording ? ip.baseAddress : nil)
                }
            }
        }
        if recording { context.save(Record(geometry: g, inputShape: x.shape, indices: indices)) }
        return Tensor(validShape: [x.shape[0], x.shape[1], g.outputSize.height, g.outputSize.width], scalars: y)
    }

    func backward(_ dy: Tensor, node: ModuleNode, context: inout BackwardContext) -> Tensor {
        let record = context.pop(Record.self)
        guard context.needsInputGradient else { return Tensor(zeros: [0]) }
        var dx = Tensor(zeros: record.inputShape)
        if record.geometry.outputCount > 0 {
            dy.withUnsafeScalars { dyp in
                dx.withUnsafeMutableScalars { dxp in
                    maxPool2dBackward(
                        record.geometry, outputGradient: dyp.baseAddress!, indices: record.indices, inputGradient: dxp.baseAddress!)
                }
            }
        }
        return dx
    }

    /// PyTorch's `MaxPool2d.extra_repr`, each argument as given.
    func describe(_ node: ModuleNode, in model: Model) -> String {
        let a = arguments
        return "MaxPool2d(kernel_size=\(a.kernelSize.text), stride=\(a.strideText), padding=\(a.padding.text), "
            + "dilation=\(a.dilation.text), ceil_mode=\(a.options.ceilMode ? "True" : "False"))"
    }

    func exportONNX(_ input: ONNXGraph.Value, node: ModuleNode, path: String, graph: inout ONNXGraph) -> ONNXGraph.Value {
        let name = graph.nodeName(path, self)
        let o = arguments.options
        let sample = Array(input.sample.prefix(1)) + graph.windowOutput(input.sample, name: name) { try o.outputSize(for: $0) }
        let dilation = arguments.dilation.size
        return graph.emit(
            "MaxPool", name: name, inputs: [input.name],
            attributes: arguments.onnxAttributes + [.ints("dilations", [dilation.height, dilation.width])], sample: sample)
    }
}
