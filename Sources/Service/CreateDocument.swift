import JSON
import NeuralNet

/// The parts of a create request that define the model (everything but its name), checked,
/// and kept as JSON so describe can echo them and storage can rebuild the model.
struct CreateDocument {
    var spec: JSONValue
    var seed: UInt64
    var initializerJSON: JSONValue
    var initializer: Initializer
    var inputShape: [Int]?

    /// The largest seed that JSON numbers (doubles) carry exactly: 2⁵³ − 1. (2⁵³ + 1 would
    /// arrive as 2⁵³, so 2⁵³ itself is refused too.)
    static let maxSeed = 9_007_199_254_740_991

    init(_ body: JSONObject) throws {
        spec = try body.required("spec")
        seed = UInt64(try body.integer("seed", in: 0...Self.maxSeed) ?? 0)
        initializerJSON = body["init"] ?? .string("pytorch")
        initializer = try Initializer(json: initializerJSON, location: "init")
        if let shape = body["input_shape"] {
            guard case .array(let dimensions) = shape, !dimensions.isEmpty, dimensions.count <= 3 else {
                throw shape.wrongTypeProblem(at: "body.input_shape", "an array of 1 to 3 positive integers")
            }
            inputShape = try dimensions.enumerated().map { index, dimension throws(Problem) in
                try JSONObject.integer(dimension, at: "body.input_shape[\(index)]", in: 1...(1 << 20))
            }
        }
    }

    /// Rebuilds the document from what storage kept.
    init(stored document: JSONValue) throws {
        let body = try JSONObject(document, at: "stored model", allowed: ["spec", "seed", "init", "input_shape"])
        try self.init(body)
    }

    /// Builds the model; 422 when the initializer produced a value that is not finite
    /// (a constant beyond float32, say): paramd never stores one.
    func makeModel(limits: ModelLimits) throws -> Model {
        let model = try Model(spec: spec, seed: seed, initializer: initializer, inputShape: inputShape, limits: limits)
        for parameter in try model.namedParameters() where !parameter.value.allFinite {
            throw Problem.unprocessable(
                "the initializer gives \(parameter.path) values that are not finite float32 numbers", slug: "non-finite",
                path: parameter.path)
        }
        return model
    }

    /// `{"spec", "seed", "init", "input_shape"?}`.
    var json: JSONValue {
        var members: [String: JSONValue] = [
            "spec": spec, "seed": .number(Double(seed)), "init": initializerJSON
        ]
        if let inputShape { members["input_shape"] = .array(inputShape.map { JSONValue.number(Double($0)) }) }
        return .object(members)
    }
}
