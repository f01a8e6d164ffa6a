/// The model-name rule: `[A-Za-z0-9._-]{1,64}`, not starting with `.`.
///
/// Checked on every request before the name gets near the file system, so `..`, `a/b` or
/// `%2F` never become paths.
enum ModelName {
    static let maxLength = 64

    static func isValid(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, first != UInt8(ascii: "."), bytes.count <= maxLength else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }

    /// - Throws: 400 naming the rule.
    static func validate(_ name: String) throws(Problem) {
        guard isValid(name) else {
            throw Problem.badRequest(
                "model names are 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'; got \(name.debugDescription)",
                slug: "invalid-name")
        }
    }
}
