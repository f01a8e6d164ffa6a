import HTTP
import JSON
import NeuralNet

extension ParamdService {
    /// GET /v1/models/{model}/onnx: the forward pass as an ONNX model (``Model/onnx(graphName:metadata:)``).
    func addONNXRoutes(to router: inout Router) {
        handle(&router, .get, "/v1/models/{model}/onnx") { request in
            let state = try await self.currentState(request)
            let cost = ModelFileExport.copyingCost(bytes: state.model.parameterCount * 4)
            let bytes = try await Placement.run(cost: cost) {
                try ModelFileExport.requiringMaterialized(model: state.name) {
                    try state.model.onnx(
                        graphName: state.name,
                        metadata: [("paramd.spec", state.model.specJSON.jsonString), ("paramd.version", String(state.version))])
                }
            }
            return ModelFileExport.attachment(bytes, filename: "\(state.name).onnx", version: state.version)
        }
    }
}
