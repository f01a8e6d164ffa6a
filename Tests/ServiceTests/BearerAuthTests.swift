import Testing
@testable import Service

struct BearerAuthTests {
    let auth = BearerAuth(token: "s3cret-token")

    @Test func admitsTheExactTokenWithAnyCaseOfTheScheme() {
        #expect(auth.admits(authorization: "Bearer s3cret-token"))
        #expect(auth.admits(authorization: "bearer s3cret-token"))
        #expect(auth.admits(authorization: "BEARER  s3cret-token"))
    }

    @Test(arguments: [
        nil, "", "Bearer", "Bearer ", "Bearer s3cret-toke", "Bearer s3cret-token2", "Bearer S3CRET-TOKEN",
        "Basic s3cret-token", "s3cret-token", "Bearers3cret-token",
    ])
    func refusesAnythingElse(_ header: String?) {
        #expect(!auth.admits(authorization: header))
    }

    @Test func constantTimeComparisonAgreesWithEquality() {
        let samples: [[UInt8]] = [[], [1], [1, 2], [1, 3], [2, 2], [1, 2, 3]]
        for a in samples {
            for b in samples {
                #expect(BearerAuth.constantTimeEqual(a[...], b) == (a == b))
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
}
