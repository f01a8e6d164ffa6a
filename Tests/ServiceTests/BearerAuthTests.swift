import JSON
import Testing
@testable import Service

struct BearerAuthTests {
    let auth = BearerAuth(token: "s3cret-token", fileTokens: nil)

    @Test func admitsTheExactTokenWithAnyCaseOfTheSchemeWithEveryScope() {
        for header in ["Bearer s3cret-token", "bearer s3cret-token", "BEARER  s3cret-token"] {
            #expect(auth.authenticate(authorization: header) == .admitted([.admin]))
        }
        #expect(Set<AccessScope>([.admin]).grants(.write))
    }

    @Test(arguments: [
        "", "Bearer", "Bearer ", "Bearer s3cret-toke", "Bearer s3cret-token2", "Bearer S3CRET-TOKEN",
        "Basic s3cret-token", "s3cret-token", "Bearers3cret-token"
    ])
    func refusesAnythingElse(_ header: String) {
        #expect(auth.authenticate(authorization: header) == .invalid)
    }

    @Test func aMissingHeaderIsToldApartFromAWrongOne() {
        #expect(auth.authenticate(authorization: nil) == .missing)
    }

    @Test func fileTokensCarryTheirScopesAndAreReplacedWhole() throws {
        let first = try TokenFile.parse("reader read\nrunner read,infer\n")
        let auth = BearerAuth(token: nil, fileTokens: first)
        #expect(auth.authenticate(authorization: "Bearer reader") == .admitted([.read]))
        #expect(auth.authenticate(authorization: "Bearer runner") == .admitted([.read, .infer]))
        auth.replaceFileTokens(try TokenFile.parse("writer write\n"))
        #expect(auth.authenticate(authorization: "Bearer reader") == .invalid)
        #expect(auth.authenticate(authorization: "Bearer writer") == .admitted([.write]))
    }

    @Test func scopesGrantOnlyThemselvesButAdminGrantsAll() {
        for held in AccessScope.allCases {
            for needed in AccessScope.allCases {
                #expect(Set([held]).grants(needed) == (held == needed || held == .admin))
            }
        }
    }

    @Test func constantTimeComparisonAgreesWithEquality() {
        let samples: [[UInt8]] = [[], [1], [1, 2], [1, 3], [2, 2], [1, 2, 3]]
        for a in samples {
            for b in samples {
                #expect(AccessTokens.constantTimeEqual(a, b) == (a == b))
            }
        }
    }
}
