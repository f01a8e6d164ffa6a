import HTTP
import JSON
import Kernels
import NeuralNet

/// A safetensors state dict sent to PUT /v1/models/{model}/state-dict, decoded for one model.
///
/// The header is checked against the body before anything is allocated (a hostile file is a
/// 400 naming the broken rule); then only the tensors the model has are converted to Float32,
/// each straight from the request body into its new tensor, which the model will keep: the body
/// and the new values are the only copies.
struct StateDictUpload {
    /// Values of the keys the model has.
    var tensors: [String: Tensor] = [:]
    /// Keys the model does not have (not decoded).
    var unexpectedKeys: [String] = []

    /// Decodes `body` for `model`.
    /// - Throws: 400 for a malformed file; 422 for a dtype that does not convert, an F64 value
    ///   beyond float32, or a value that is not finite (naming key and index).
    init(body: [UInt8], model: Model) throws {
        let header: SafeTensorsHeader
        do throws(SafeTensorsError) {
            header = try SafeTensorsHeader(parsing: body)
        } catch {
            throw Self.problem(error)
        }
        for layout in header.layouts {
            guard model.hasStateDictKey(layout.name) else {
                unexpectedKeys.append(layout.name)
                continue
            }
            let values: [Float]
            do throws(SafeTensorsError) {
                // An integer buffer (num_batches_tracked) comes as I64 from PyTorch.
                let integerKey = model.stateDictDType(layout.name) == .int64
                values = try integerKey && !layout.dtype.convertsToFloat32 ? layout.integers(in: body) : layout.floats(in: body)
            } catch {
                throw Self.problem(error)
            }
            if let index = firstNonFinite(values) {
                throw Problem.unprocessable(
                    "\(layout.name) is not finite at flat index \(index) (\(values[index])); paramd stores and returns finite numbers only",
                    slug: "non-finite", path: layout.name)
            }
            tensors[layout.name] = try Tensor(shape: layout.shape, scalars: values)
        }
    }

    /// 422 for what is well-formed but cannot become float32 parameters, 400 for the rest.
    static func problem(_ error: SafeTensorsError) -> Problem {
        switch error {
        case .unsupportedDType(let tensor, _):
            return .unprocessable(error.description, slug: "unsupported-dtype", path: tensor)
        case .valueOutOfRange(let tensor, _):
            return .unprocessable(error.description, slug: "value-out-of-range", path: tensor)
        default:
            return .badRequest("the body is not a valid safetensors file: \(error)", slug: "invalid-safetensors")
        }
    }
}
