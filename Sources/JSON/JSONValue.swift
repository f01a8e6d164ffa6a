/// A parsed JSON document (RFC 8259).
///
/// Numbers are kept as `Double`; objects reject duplicate keys at parse time, so a
/// dictionary loses nothing. Large float arrays have a faster path than walking this tree:
/// see the parser's tensor decoding.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}
