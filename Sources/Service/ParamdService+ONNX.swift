import HTTP
import JSON
import NeuralNet

extension ParamdService {
    /// GET /v1/models/{model}/onnx: the forward pass as an ONNX model (``Model/onnx(graphName:metadata:)``).
    func addONNXRoutes(to router: inout Router) {
        let copying = byModelSize { _, size in Placement.copyingCost(bytes: size.parameters * 4) }
        handle(&router, .get, "/v1/models/{model}/onnx", placement: copying) { request in
            let state = try await self.currentState(request)
            let metadata = [("paramd.spec", state.model.specJSON.jsonString), ("paramd.version", String(state.version))]
            let filename = "\(state.name).onnx"
            if state.model.parameterCount >= StreamedBody.threshold {
                let pieces = try ModelFileExport.requiringMaterialized(model: state.name) {
                    try state.model.onnxPieces(graphName: state.name, metadata: metadata)
                }
                return ModelFileExport.onnx(pieces, filename: filename, version: state.version)
            }
            let bytes = try ModelFileExport.requiringMaterialized(model: state.name) {
                try state.model.onnx(graphName: state.name, metadata: metadata)
            }
            return ModelFileExport.attachment(bytes, filename: filename, version: state.version)
        }
    }
}
