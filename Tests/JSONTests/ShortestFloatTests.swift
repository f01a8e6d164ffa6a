import Testing
@testable import JSON

/// Our Ryū formatter against the standard library's `Float.description` (SwiftDtoa), which
/// computes the same shortest round-trip digits and fixes the format we copy.
struct ShortestFloatTests {
    func formatted(_ value: Float) -> String {
        var bytes: [UInt8] = []
        ShortestFloat.format(value, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func matchesDescriptionOnRandomBitPatterns() {
        var generator = SplitMix64(state: 42)
        var mismatches: [String] = []
        for _ in 0..<400_000 {
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))
            guard value.isFinite else { continue }
            if formatted(value) != value.description, mismatches.count < 5 {
                mismatches.append("\(value.bitPattern): \(formatted(value)) vs \(value.description)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test func matchesDescriptionOnEdgesAndRoundNumbers() {
        var values: [Float] = [
            0, -0.0, 1, -1, 0.1, 0.2, 0.3, 1e-4, 9.999999e-5, 1e-5, 0x1p24, 0x1p24 + 2, 16777215,
            .greatestFiniteMagnitude, .leastNormalMagnitude, .leastNonzeroMagnitude, .ulpOfOne, 1 + .ulpOfOne,
            3.4028235e38, 123456.7, 33554432, 1e7, 1e10, 9007199254740992
        ]
        for exponent in -149...127 { values.append(Float(sign: .plus, exponent: exponent, significand: 1)) }
        for integer in 0..<20_000 { values.append(Float(integer)) }
        for tenth in 0..<20_000 { values.append(Float(tenth) / 10) }
        for power in -45...38 { values.append(Float("1e\(power)")!) }
        for bits in UInt32(0)..<2_000 {
            values.append(Float(bitPattern: bits))  // subnormals
            values.append(Float(bitPattern: 0x7F7F_FFFF - bits))  // near the top
            values.append(Float(bitPattern: 0x3F80_0000 &+ bits))  // just above 1
        }
        for value in values {
            #expect(formatted(value) == value.description, "\(value.bitPattern)")
            #expect(formatted(-value) == (-value).description, "\((-value).bitPattern)")
        }
    }

    @Test func roundTripsThroughTheParser() throws {
        var generator = SplitMix64(state: 7)
        for _ in 0..<50_000 {
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))
            guard value.isFinite else { continue }
            let parsed = try JSONFloatTensor(parsing: Array(formatted(value).utf8))
            #expect(parsed.values[0].bitPattern == value.bitPattern)
        }
    }
}
