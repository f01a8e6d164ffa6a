import NeuralNet
import Testing
@testable import Service

/// NeuralNet's own classification of its errors and the service's mapping to statuses agree,
/// case by case (one sample of each).
struct NeuralNetErrorMappingTests {
    static let samples: [NeuralNetError] = [
        .invalidSpec(location: "spec.out", reason: "must be positive"),
        .limitExceeded(location: "spec", reason: "is over the limit"),
        .invalidArgument(location: "body.lr", reason: "must be positive"),
        .unknownParameter(path: "9.weight"),
        .unknownModule(path: "9"),
        .noMatch(location: "body.rules[0].match", pattern: "x"),
        .notMaterialized(path: "0.weight"),
        .shapeMismatch(path: "0.bias", expected: [8], got: [7]),
        .indexOutOfRange(path: "0.bias", index: "9", shape: [8]),
        .incompatibleInput("layer 0 expects 4 features"),
        .initializerNotApplicable(path: "0.bias", initializer: "orthogonal", reason: "needs 2 dimensions")
    ]

    @Test(arguments: samples)
    func theStatusFollowsTheCategory(_ error: NeuralNetError) {
        let status = Problem(error).status
        if case .unknownParameter = error {
            #expect(status == 404, "the URL names the parameter")
            return
        }
        #expect(status == (error.category == .badRequest ? 400 : 422), "\(error)")
    }
}
