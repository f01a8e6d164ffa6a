import JSON
import NeuralNet

extension StateDictLoad {
    /// `missing_keys`, `unexpected_keys` and `mismatched`: the members a load report and a
    /// strict mismatch's problem share.
    var reportMembers: [String: JSONValue] {
        [
            "missing_keys": .array(missingKeys.map(JSONValue.string)),
            "unexpected_keys": .array(unexpectedKeys.map(JSONValue.string)),
            "mismatched": .array(mismatched.map(Self.member))
        ]
    }

    private static func member(_ mismatch: StateDictMismatch) -> JSONValue {
        switch mismatch {
        case .shape(let key, let expected, let got):
            .object([
                "reason": .string("shape"), "key": .string(key),
                "expected_shape": .array(expected.map { .number(Double($0)) }),
                "actual_shape": .array(got.map { .number(Double($0)) })
            ])
        case .tiedValues(let key, let tiedTo):
            .object(["reason": .string("tied_values"), "key": .string(key), "tied_to": .string(tiedTo)])
        }
    }
}
