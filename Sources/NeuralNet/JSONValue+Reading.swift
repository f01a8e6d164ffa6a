import JSON

/// Small readers that turn a `JSONValue` into Swift values or a `NeuralNetError` naming the
/// location and what was found instead.
extension JSONValue {
    /// How the value reads in an error message: `-3`, `"abc"`, `an object`.
    var shortDescription: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let d):
            if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
            return String(d)
        case .string(let s):
            let shown = s.count > 40 ? String(s.prefix(40)) + "…" : s
            return "\"\(shown)\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The members of an object, or an error saying `location` must be an object.
    func objectMembers(at location: String) throws -> [String: JSONValue] {
        guard case .object(let members) = self else {
            throw NeuralNetError.invalidSpec(location: location, reason: "must be an object, got \(shortDescription)")
        }
        return members
    }
}

/// Checks an object's keys against the allowed ones, so a typo (`"outt"`) is an error
/// instead of a silently ignored field.
func rejectUnknownKeys(
    _ members: [String: JSONValue], allowed: Set<String>, at location: String,
    error: (String, String) -> NeuralNetError = NeuralNetError.invalidSpec
) throws {
    for key in members.keys.sorted() where !allowed.contains(key) {
        let expected = allowed.sorted().map { "'\($0)'" }.joined(separator: ", ")
        throw error(location, "has an unknown field '\(key)'; allowed fields are \(expected)")
    }
}

/// Reads a positive integer no larger than `limit`; values above the limit are a
/// `limitExceeded` error, checked before any conversion so 1e300 cannot trap.
func readPositiveInteger(_ value: JSONValue, at location: String, limit: Int, limitName: String) throws -> Int {
    guard case .number(let d) = value, d.isFinite, d == d.rounded(.towardZero), d >= 1 else {
        throw NeuralNetError.invalidSpec(location: location, reason: "must be a positive integer, got \(value.shortDescription)")
    }
    guard d <= Double(limit) else {
        throw NeuralNetError.limitExceeded(
            location: location, reason: "is \(value.shortDescription), over the \(limitName) limit of \(limit)")
    }
    return Int(d)
}

/// Reads a finite number that Float32 can hold (every number here ends up as one).
func readNumber(
    _ value: JSONValue, at location: String,
    error: (String, String) -> NeuralNetError = NeuralNetError.invalidSpec
) throws -> Double {
    guard case .number(let d) = value, d.isFinite, abs(d) <= Double(Float.greatestFiniteMagnitude) else {
        throw error(location, "must be a finite number within Float32 range, got \(value.shortDescription)")
    }
    return d
}

/// Reads a string.
func readString(
    _ value: JSONValue, at location: String,
    error: (String, String) -> NeuralNetError = NeuralNetError.invalidSpec
) throws -> String {
    guard case .string(let s) = value else {
        throw error(location, "must be a string, got \(value.shortDescription)")
    }
    return s
}

/// Reads a boolean.
func readBool(_ value: JSONValue, at location: String) throws -> Bool {
    guard case .bool(let b) = value else {
        throw NeuralNetError.invalidSpec(location: location, reason: "must be true or false, got \(value.shortDescription)")
    }
    return b
}
