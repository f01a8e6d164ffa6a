import Testing
@testable import JSON

/// Random corruption of valid documents: the parser never traps, and whatever it accepts
/// survives a write/parse round trip unchanged.
struct JSONFuzzTests {
    static let seeds = [
        #"{"name": "tied", "seed": 7, "spec": {"type": "sequential", "layers": [{"type": "linear", "in": 20, "out": 8}, {"ref": "shared"}]}}"#,
        #"[[1.5, -2e-3, 0], [3.25e10, 4, -0.0]]"#,
        #"{"a": "\u00e9\ud83c\udf89\n", "b": [true, false, null], "c": {"": {}}}"#,
        #"[1, [2, [3, [4, [5]]]], "x\\y\"z"]"#
    ]

    @Test(arguments: 0..<seeds.count)
    func acceptedMutantsRoundTrip(seedIndex: Int) throws {
        let original = Array(Self.seeds[seedIndex].utf8)
        var generator = SplitMix64(state: UInt64(seedIndex) &+ 100)
        let interesting: [UInt8] = Array(#"{}[],:"\-+.eE0123456789 tfn"#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xE2, 0xF0, 0xFF]
        for _ in 0..<4_000 {
            let bytes = mutated(original, from: interesting, using: &generator)
            guard let value = try? JSONValue(parsing: bytes) else { continue }
            #expect(try JSONValue(parsing: value.jsonBytes) == value)
            _ = try? JSONFloatTensor(parsing: bytes)
        }
    }

    @Test func everyCutDocumentIsRefusedAtItsEnd() {
        for seed in Self.seeds {
            let bytes = Array(seed.utf8)
            for length in 0..<bytes.count {
                let error = parseError(Array(bytes[..<length]))
                switch error {
                case .unexpectedEnd(let location)?:
                    #expect(location.offset == length)
                case .loneSurrogate?:
                    // Cut between the two escapes of a surrogate pair: the first is alone.
                    #expect(seed.contains("\\ud83c"))
                default:
                    Issue.record("prefix of length \(length) of \(seed): \(String(describing: error))")
                }
            }
        }
    }
}
