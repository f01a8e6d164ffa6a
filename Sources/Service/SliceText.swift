import NeuralNet

/// The `slice` text of api/openapi.yaml: comma-separated components, each an index (`-1`) or
/// a range (`0:2`, `:3`, `1:`), every number at most 9 digits. Checked here exactly as the
/// contract states it (no spaces, no steps) before NeuralNet parses it.
enum SliceText {
    static func parse(_ text: String, location: String) throws -> TensorSlice {
        guard isValid(text) else {
            throw Problem.badRequest(
                "\(location) must be numpy-style slicing such as 0, 0,1, 0:2 or 0:2,1:3 (no spaces or steps); got \(text.debugDescription)",
                slug: "invalid-slice", path: location)
        }
        return try TensorSlice(parsing: text, location: location)
    }

    static func isValid(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        for component in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = component.split(separator: ":", omittingEmptySubsequences: false)
            switch bounds.count {
            case 1:
                guard isInteger(bounds[0]) else { return false }
            case 2:
                guard bounds.allSatisfy({ $0.isEmpty || isInteger($0) }) else { return false }
            default:
                return false
            }
        }
        return true
    }

    private static func isInteger(_ text: Substring) -> Bool {
        let digits = text.hasPrefix("-") ? text.dropFirst() : text
        return (1...9).contains(digits.count) && digits.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
