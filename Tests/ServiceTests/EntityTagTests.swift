import Testing
@testable import Service

struct EntityTagTests {
    @Test func headerQuotesTheVersion() {
        #expect(EntityTag.header(version: 7) == "\"7\"")
    }

    @Test func absentHeaderIsNoCondition() throws {
        #expect(EntityTag.condition(ifMatch: nil) == nil)
    }

    @Test func starMatchesEveryVersion() throws {
        let condition = try #require(EntityTag.condition(ifMatch: "*"))
        #expect(condition.isSatisfied(byVersion: 1))
        #expect(condition.isSatisfied(byVersion: 99))
    }

    @Test func listMatchesOnlyItsStrongTags() throws {
        let condition = try #require(EntityTag.condition(ifMatch: #""3", W/"4" , "5""#))
        #expect(condition == .tags(["3", "5"]))
        #expect(condition.isSatisfied(byVersion: 3))
        #expect(!condition.isSatisfied(byVersion: 4))
        #expect(condition.isSatisfied(byVersion: 5))
        #expect(!condition.isSatisfied(byVersion: 6))
    }

    @Test func opaqueTagsAreValidButNeverMatch() throws {
        let condition = try #require(EntityTag.condition(ifMatch: #""abc""#))
        #expect(!condition.isSatisfied(byVersion: 1))
    }

    @Test func commasInsideQuotesBelongToTheTag() throws {
        let condition = try #require(EntityTag.condition(ifMatch: #""a,b" , W/"c,d","4""#))
        #expect(condition == .tags(["a,b", "4"]))
    }

    @Test(arguments: ["", "3", "\"3", "W/3", "0", "W/\"3\""])
    func malformedOrWeakItemsMatchNothing(_ value: String) throws {
        let condition = try #require(EntityTag.condition(ifMatch: value))
        for version in [0, 3] {
            #expect(!condition.isSatisfied(byVersion: version))
        }
    }
}
