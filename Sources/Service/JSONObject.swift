import JSON

/// The members of a JSON object in a request, read with the checks the API promises: unknown
/// members, missing required ones and wrong types are all 400s that name the member.
struct JSONObject {
    let members: [String: JSONValue]
    /// The JSON location of this object, e.g. `body` or `body.optimizer`.
    let location: String

    /// - Throws: 400 when `value` is not an object or has a member outside `allowed`.
    init(_ value: JSONValue, at location: String, allowed: Set<String>) throws(Problem) {
        guard case .object(let members) = value else {
            throw Problem.badRequest("\(location) must be a JSON object, got \(value.kindName)", slug: "wrong-type", path: location)
        }
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw Problem.badRequest(
                "\(location) has an unknown member \(unknown.debugDescription); allowed: \(allowed.sorted().joined(separator: ", "))",
                slug: "unknown-member", path: "\(location).\(unknown)")
        }
        self.members = members
        self.location = location
    }

    /// Parses a request body that must be one JSON object.
    init(body: [UInt8], allowed: Set<String>) throws {
        let value = try JSONValue(parsing: body)
        try self.init(value, at: "body", allowed: allowed)
    }

    /// The member as sent; an explicit `null` is a value, which the reader then refuses as the
    /// wrong type, as the typed readers below do (the contract has no nullable request member).
    subscript(key: String) -> JSONValue? { members[key] }

    func path(_ key: String) -> String { "\(location).\(key)" }

    func required(_ key: String) throws(Problem) -> JSONValue {
        guard let value = members[key] else {
            throw Problem.badRequest("\(location) needs the member \(key.debugDescription)", slug: "missing-member", path: path(key))
        }
        return value
    }

    func string(_ key: String) throws(Problem) -> String? {
        guard let value = members[key] else { return nil }
        guard case .string(let text) = value else { throw wrongType(key, "a string", value) }
        return text
    }

    func bool(_ key: String) throws(Problem) -> Bool? {
        guard let value = members[key] else { return nil }
        guard case .bool(let flag) = value else { throw wrongType(key, "true or false", value) }
        return flag
    }

    /// An integer within `range` (JSON numbers like `3.0` count as integers).
    func integer(_ key: String, in range: ClosedRange<Int>) throws(Problem) -> Int? {
        guard let value = members[key] else { return nil }
        return try Self.integer(value, at: path(key), in: range)
    }

    /// A finite number within `range`.
    func number(_ key: String, in range: ClosedRange<Double>) throws(Problem) -> Double? {
        guard let value = members[key] else { return nil }
        guard case .number(let number) = value else { throw wrongType(key, "a number", value) }
        guard range.contains(number) else {
            throw Problem.badRequest(
                "\(path(key)) must be between \(range.lowerBound) and \(range.upperBound), got \(number)", slug: "out-of-range",
                path: path(key))
        }
        return number
    }

    static func integer(_ value: JSONValue, at location: String, in range: ClosedRange<Int>) throws(Problem) -> Int {
        guard case .number(let number) = value, number.rounded(.towardZero) == number, abs(number) < 9.3e18 else {
            throw Problem.badRequest("\(location) must be an integer, got \(value.kindName)", slug: "wrong-type", path: location)
        }
        let integer = Int(number)
        guard range.contains(integer) else {
            throw Problem.badRequest(
                "\(location) must be between \(range.lowerBound) and \(range.upperBound), got \(integer)", slug: "out-of-range",
                path: location)
        }
        return integer
    }

    func wrongType(_ key: String, _ expected: String, _ value: JSONValue) -> Problem {
        .badRequest("\(path(key)) must be \(expected), got \(value.kindName)", slug: "wrong-type", path: path(key))
    }
}

extension JSONValue {
    /// What kind of value this is, for messages: `a string "abc"`, `the number 3`, `an array`.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool(let flag): "\(flag)"
        case .number(let number): "the number \(number)"
        case .string(let text): "the string \(text.count > 40 ? String(text.prefix(40)).debugDescription + "…" : text.debugDescription)"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
