/// The model-name rule: `[A-Za-z0-9._-]{1,64}`, not starting with `.`.
///
/// Checked on every request before the name gets near the file system, so `..`, `a/b` or
/// `%2F` never become paths.
enum ModelName {
    /// One rule for the service and the data directory: ``DataDirectory/isValidName(_:)``.
    static func isValid(_ name: String) -> Bool { DataDirectory.isValidName(name) }

    /// - Throws: 400 naming the rule.
    static func validate(_ name: String) throws(Problem) {
        guard isValid(name) else {
            throw Problem.badRequest(
                "model names are 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'; got \(name.debugDescription)",
                slug: "invalid-name")
        }
    }
}
