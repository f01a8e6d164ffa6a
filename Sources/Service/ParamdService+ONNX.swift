import HTTP
import JSON
import NeuralNet

extension ParamdService {
    /// GET /v1/models/{model}/onnx: the forward pass as an ONNX model (``Model/onnx(graphName:metadata:)``).
    func addONNXRoutes(to router: inout Router) {
        let copying = byModelSize { _, size in Placement.copyingCost(bytes: size.parameters * 4) }
        handle(&router, .get, "/v1/models/{model}/onnx", placement: copying) { request in
            let state = try await self.currentState(request)
            let bytes = try ModelFileExport.requiringMaterialized(model: state.name) {
                try state.model.onnx(
                    graphName: state.name,
                    metadata: [("paramd.spec", state.model.specJSON.jsonString), ("paramd.version", String(state.version))])
            }
            return ModelFileExport.attachment(bytes, filename: "\(state.name).onnx", version: state.version)
        }
    }
}
