/// The bearer-token check in front of `/v1` (RFC 6750).
///
/// The comparison takes the same time whatever the first differing byte, so response timing
/// does not leak how much of a guess was right.
public struct BearerAuth: Sendable {
    private let expected: [UInt8]

    /// `token` must be non-empty; the executable checks it is visible ASCII.
    public init(token: String) {
        precondition(!token.isEmpty, "an empty bearer token would let everyone in")
        expected = Array(token.utf8)
    }

    /// Whether an `Authorization` header value carries the token (`Bearer <token>`, scheme
    /// case-insensitive, RFC 9110 §11.1).
    public func admits(authorization: String?) -> Bool {
        guard let authorization else { return false }
        let bytes = Array(authorization.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count > scheme.count else { return false }
        for (byte, wanted) in zip(bytes[..<scheme.count], scheme) where byte | 0x20 != wanted | 0x20 {
            return false
        }
        var start = scheme.count
        while start < bytes.count, bytes[start] == UInt8(ascii: " ") { start += 1 }
        return Self.constantTimeEqual(bytes[start...], expected)
    }

    /// Compares every byte of the longer input; the length difference is folded in, not branched on.
    static func constantTimeEqual(_ a: ArraySlice<UInt8>, _ b: [UInt8]) -> Bool {
        var difference = UInt(bitPattern: a.count ^ b.count)
        let count = max(a.count, b.count)
        var index = 0
        while index < count {
            let x = index < a.count ? a[a.startIndex + index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= UInt(x ^ y)
            index += 1
        }
        return difference == 0
    }

    /// The 401 problem, with the challenge RFC 6750 §3 asks for.
    public static func challenge(provided: Bool) -> Problem {
        let header = provided ? #"Bearer realm="paramd", error="invalid_token""# : #"Bearer realm="paramd""#
        return Problem(
            status: 401, slug: "unauthorized", title: "Unauthorized",
            detail: provided
                ? "the bearer token is not valid for this server"
                : "this server requires Authorization: Bearer <token> on /v1 routes",
            headers: [(name: "WWW-Authenticate", value: header)])
    }
}
