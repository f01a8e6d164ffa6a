import JSON
import Kernels

/// `nn.Dropout(p=0.5, inplace=False)`: in train mode each element is zeroed with probability
/// `p` and the rest scaled by `1 / (1 − p)` (as Float32, as PyTorch divides its mask); in eval
/// mode, and for `p = 0`, the identity; `p = 1` zeroes everything.
///
/// Masks come from the model's seeded generator (the stream PyTorch's initialization draws
/// from, continued), one uniform draw per element kept when below `1 − p`. PyTorch's CPU
/// `bernoulli_` draws through MKL's own generator, so masks are not bit-identical to torch's:
/// the distribution and the scaling are.
struct DropoutLayer: Layer {
    static let typeNames = ["dropout"]

    let p: Double

    static func decode(_ spec: LayerSpec, decoder: inout SpecDecoder) throws -> DropoutLayer {
        try spec.allow(["p", "inplace"])
        _ = try spec.bool("inplace", default: false)
        return DropoutLayer(p: try spec.number("p", default: 0.5, in: 0...1))
    }

    var typeName: String { "dropout" }

    func encode(_ node: ModuleNode, in model: Model) -> [String: JSONValue] {
        p == 0.5 ? ["type": .string(typeName)] : ["type": .string(typeName), "p": .number(p)]
    }

    func inferShape(_ input: FeatureShape, node: ModuleNode, context: inout ShapeContext) throws -> FeatureShape { input }

    func forward(_ x: consuming Tensor, node: ModuleNode, context: inout ForwardContext) throws -> Tensor {
        guard context.training, p > 0, x.count > 0 else {
            if context.isRecording { context.save([Float]()) }
            return x
        }
        var mask = [Float](repeating: 0, count: x.count)
        if p < 1 {
            let keep = Float(1 - p)
            let scale = 1 / Float(1 - p)
            for i in mask.indices where context.generator.uniformFloat(from: 0, to: 1) < keep { mask[i] = scale }
        }
        var y = x
        y.withUnsafeMutableScalars { yp in for i in yp.indices { yp[i] *= mask[i] } }
        if context.isRecording { context.save(mask) }
        return y
    }

    func backward(_ dy: Tensor, node: ModuleNode, context: inout BackwardContext) -> Tensor {
        let mask = context.pop([Float].self)
        guard !mask.isEmpty else { return dy }  // the identity (eval mode or p = 0)
        var dx = dy
        dx.withUnsafeMutableScalars { d in for i in d.indices { d[i] *= mask[i] } }
        return dx
    }

    func describe(_ node: ModuleNode, in model: Model) -> String { "Dropout(p=\(p), inplace=False)" }

    /// Removed: inference is eval mode, where dropout is the identity.
    func exportONNX(_ input: ONNXGraph.Value, node: ModuleNode, path: String, graph: inout ONNXGraph) throws -> ONNXGraph.Value { input }
}
