import NeuralNet
import Testing

/// Named parameters, aliases, module paths and patterns.
struct ParameterListingTests {
    @Test func mlpListsStateDictKeysInOrder() throws {
        let net = try Model(spec: mlpSpec, seed: 0)
        #expect(try net.namedParameters().map(\.path) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        #expect(try net.namedParameters().map(\.shape) == [[8, 4], [8], [1, 8], [1]])
        #expect(net.counts.total == 49)
    }

    @Test func rgnetUsesBlockNamesInPaths() throws {
        let net = try Model(spec: rgnetSpec, seed: 0)
        let paths = try net.namedParameters().map(\.path)
        #expect(paths.count == 18)
        #expect(paths[0] == "0.block 0.0.weight")
        #expect(paths.contains("0.block 1.2.bias"))
        #expect(paths.last == "1.bias")
        #expect(net.counts.total == 4 * (40 + 36) + 5)
    }

    @Test func prefixListsASubBlock() throws {
        let net = try Model(spec: rgnetSpec, seed: 0)
        #expect(
            try net.namedParameters(prefix: "0.block 1").map(\.path) == [
                "0.block 1.0.weight", "0.block 1.0.bias", "0.block 1.2.weight", "0.block 1.2.bias"
            ])
        #expect(try net.namedParameters(prefix: "1.bias").map(\.path) == ["1.bias"])
        #expect(expectError(.unknownModule(path: "0.block 9")) { _ = try net.namedParameters(prefix: "0.block 9") })
    }

    @Test func tiedParameterIsListedOnceWithItsAlias() throws {
        let net = try Model(spec: tiedSpec, seed: 0)
        let listed = try net.namedParameters()
        #expect(listed.map(\.path) == ["0.weight", "0.bias", "2.weight", "2.bias", "6.weight", "6.bias"])
        #expect(listed[2].aliases == ["4.weight"])
        #expect(listed[3].aliases == ["4.bias"])
        #expect(try net.parameter("4.weight").id == net.parameter("2.weight").id)
        #expect(try net.parameter("4.weight").path == "2.weight")
        #expect(net.counts.total == 20 * 8 + 8 + 72 + 9)
        #expect(net.counts.tiedTensors == 2)
    }

    @Test func tiedPrefixListsUnderTheFirstPathInThatBlock() throws {
        let net = try Model(spec: tiedSpec, seed: 0)
        let sub = try net.namedParameters(prefix: "4")
        #expect(sub.map(\.path) == ["4.weight", "4.bias"])
        #expect(sub[0].aliases == ["2.weight"])
    }

    @Test func moduleLookupByPath() throws {
        let net = try Model(spec: rgnetSpec, seed: 0)
        let block = try net.module(at: "0.block 1")
        #expect(block.type == "sequential")
        #expect(block.children == ["0", "1", "2", "3"])
        #expect(block.parameterCount == 76)
        #expect(try net.module(at: "0.block 1.1").type == "relu")
        #expect(expectError(.unknownModule(path: "0.block 1.9")) { _ = try net.module(at: "0.block 1.9") })
    }

    @Test func patternsSelectOneOrManySegments() throws {
        let net = try Model(spec: rgnetSpec, seed: 0)
        #expect(net.parameters(matching: try PathPattern("**.bias")).count == 9)
        #expect(net.parameters(matching: try PathPattern("0.*.0.weight")).count == 4)
        #expect(net.parameters(matching: try PathPattern("0.block *.2.bias")).count == 4)
        #expect(net.parameters(matching: try PathPattern("*.weight")).map(\.path) == ["1.weight"])
        #expect(net.modules(matching: try PathPattern("0.*")).map(\.path) == ["0.block 0", "0.block 1", "0.block 2", "0.block 3"])
        #expect(net.modules(matching: try PathPattern("**")).count == net.modulePaths.count)
    }

    @Test func patternMatchingStaysFastOnRepeatedDoubleStars() throws {
        let pattern = try PathPattern(Array(repeating: "**.*", count: 31).joined(separator: ".") + ".x")
        #expect(!pattern.matches(Array(repeating: "a", count: 60).joined(separator: ".")))
    }
}

/// Pattern semantics, case by case.
struct PathPatternTests {
    static let table: [(String, String, Bool)] = [
        ("**", "", true), ("**", "0.block 1.2.bias", true), ("*", "", false), ("*", "0", true), ("*", "0.1", false),
        ("0.**", "0", true), ("0.**", "0.a.b", true), ("0.**", "1.a", false), ("**.bias", "bias", true),
        ("**.bias", "0.block 3.2.bias", true), ("**.bias", "0.bias.x", false), ("0.*.2.weight", "0.block 0.2.weight", true),
        ("0.*.2.weight", "0.2.weight", false), ("0.block *", "0.block 12", true), ("0.block *", "0.blocks", false),
        ("*lock*", "block 1", true), ("a.**.**.b", "a.b", true), ("a.**.*.b", "a.b", false), ("a.**.*.b", "a.x.y.b", true),
        ("0.weight", "0.weight", true), ("0.weight", "0.weights", false)
    ]

    @Test(arguments: table.indices)
    func matchesLikeAGlobOverSegments(_ i: Int) throws {
        let (pattern, path, expected) = Self.table[i]
        #expect(try PathPattern(pattern).matches(path) == expected, "\(pattern) vs \(path)")
    }

    @Test func refusesEmptySegmentsAndOverlongPatterns() {
        #expect(thrownError { _ = try PathPattern("") }?.category == .badRequest)
        #expect(thrownError { _ = try PathPattern("a..b") }?.description == "pattern 'a..b' has an empty segment")
        #expect(
            thrownError { _ = try PathPattern(Array(repeating: "a", count: 64).joined(separator: ".")) }?.description
                == "pattern has more than 63 segments")
    }
}
