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

    @Test func challengeNamesTheSchemeAndSaysWhetherATokenWasSent() {
        let missing = BearerAuth.challenge(provided: false)
        #expect(missing.status == 401)
        #expect(missing.headers.first?.name == "WWW-Authenticate")
        #expect(missing.headers.first?.value == #"Bearer realm="paramd""#)
        #expect(BearerAuth.challenge(provided: true).headers.first?.value.contains("invalid_token") == true)
    }

    @Test func forbiddenNamesTheMissingScopeInTheProblemAndTheChallenge() {
        let problem = BearerAuth.forbidden(lacking: .write, method: "DELETE", route: "/v1/models/a")
        #expect(problem.status == 403)
        #expect(problem.detail.contains("\"write\""))
        #expect(problem.extensions["required_scope"] == .string("write"))
        #expect(problem.headers.first?.value == #"Bearer realm="paramd", error="insufficient_scope", scope="write""#)
    }
}
