internal import COpenSSL

/// One accepted bearer token, kept only as its SHA-256 digest, with the scopes it grants.
public struct AccessToken: Sendable, Equatable {
    /// SHA-256 of the token's bytes, 32 bytes.
    public let digest: [UInt8]
    public let scopes: Set<AccessScope>

    /// A token given by its SHA-256 digest (`digest.count == 32`).
    public init(digest: [UInt8], scopes: Set<AccessScope>) {
        precondition(digest.count == 32, "a SHA-256 digest has 32 bytes")
        self.digest = digest
        self.scopes = scopes
    }

    /// A token given in plain text; only its digest is kept.
    public init(plain token: String, scopes: Set<AccessScope>) {
        self.init(digest: Self.sha256(Array(token.utf8)[...]), scopes: scopes)
    }

    /// SHA-256 through libcrypto, which the server links for TLS anyway.
    static func sha256(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                _ = SHA256(input.baseAddress, input.count, output.baseAddress)
            }
        }
        return digest
    }
}

/// Every accepted token. Looking one up hashes what the client sent and compares the digest
/// with every entry, each comparison over all 32 bytes, so response timing tells nothing about
/// which token was near or how many bytes matched.
public struct AccessTokens: Sendable, Equatable {
    public let tokens: [AccessToken]

    public init(_ tokens: [AccessToken]) {
        self.tokens = tokens
    }

    /// The scopes of `presented`, nil when it is no accepted token. Entries with the same
    /// digest (``TokenFile`` refuses them within one file) would add up their scopes.
    func scopes(of presented: ArraySlice<UInt8>) -> Set<AccessScope>? {
        let digest = AccessToken.sha256(presented)
        var found: Set<AccessScope>?
        for token in tokens where Self.constantTimeEqual(digest, token.digest) {
            found = (found ?? []).union(token.scopes)
        }
        return found
    }

    /// Compares all bytes whatever the first difference.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
