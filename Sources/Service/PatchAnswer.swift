import HTTP
import NeuralNet

/// The answer to a PATCH, formatted while its write is being stored: the fsync and the
/// formatting of the parameter (46 KB of JSON for a 4096-float bias) overlap instead of
/// following one another.
///
/// It is formatted from the snapshot published when the write was queued, edited as the write
/// will edit it, and used only if the write did apply to that snapshot: the version it
/// produced is the next one, and the parameter's gradient (which in-memory changes replace
/// without a new version) is the same tensor. Otherwise the answer is formatted again from the
/// write's own state, as it always was.
struct PatchAnswer {
    let path: String
    let version: Int
    let gradient: Tensor?
    let response: HTTPResponse

    /// `state` if its parameter at `path` is small enough to answer with a body built whole
    /// (a large one's answer is streamed from the stored state, and a snapshot held during its
    /// write would make the write copy it); nil otherwise.
    /// - Throws: when `path` names no parameter (a 422, before If-Match is looked at).
    static func snapshot(_ state: ModelState, path: String) throws -> ModelState? {
        try state.model.parameter(path).value.count < StreamedBody.threshold ? state : nil
    }

    /// The answer the write should get, from the snapshot it should apply to; nil when the
    /// operations fail on it (the write will say why).
    static func expected(_ operations: [PatchOperation], on state: ModelState, path: String) -> PatchAnswer? {
        guard let parameter = try? state.model.parameter(path) else { return nil }
        var model = state.model
        guard (try? PatchOperation.apply(operations, to: &model, path: path)) != nil, let edited = try? model.parameter(path),
            let response = try? ParameterBody.response(edited, version: state.version + 1)
        else { return nil }
        return PatchAnswer(path: path, version: state.version + 1, gradient: parameter.gradient, response: response)
    }

    /// The response, if `state` (what the write produced) is the state it was formatted for.
    func response(for state: ModelState) -> HTTPResponse? {
        guard state.version == version, let parameter = try? state.model.parameter(path) else { return nil }
        switch (gradient, parameter.gradient) {
        case (nil, nil): return response
        case (let expected?, let actual?) where expected.sharesStorage(with: actual): return response
        default: return nil
        }
    }
}
