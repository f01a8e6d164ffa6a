import Testing
@testable import JSON

/// The tensor fast paths (the row kernel's AVX2, SSSE3 and SSE2 builds, the Swift
/// ``FastFloatParser``) round every number to the same Float as the correctly rounded
/// `Float(String)`, bit for bit.
struct FastFloatParserTests {
    /// `texts` as one long row, parsed through `fastPath`, each value checked against
    /// `Float(text)`. Ordinary numbers around them keep every text away from the buffer's
    /// last 32 bytes, where the kernel leaves the work to Swift.
    static func expectRowMatchesStandardLibrary(
        _ texts: [String], fastPath: TensorFastPath, separator: String = ",",
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let padding = Array(repeating: "0.5", count: 8)
        let all = padding + texts + padding
        let result = tensorResult("[" + all.joined(separator: separator) + "]", fastPath: fastPath)
        guard case .success(let tensor) = result else {
            Issue.record("\(fastPath): \(result)", sourceLocation: sourceLocation)
            return
        }
        #expect(tensor.values.count == all.count, sourceLocation: sourceLocation)
        var mismatches = 0
        for (text, value) in zip(all, tensor.values) where value.bitPattern != Float(text)!.bitPattern {
            mismatches += 1
            if mismatches <= 10 {
                Issue.record("\(fastPath): \(text) gave \(value), not \(Float(text)!)", sourceLocation: sourceLocation)
            }
        }
    }

    /// A finite Float, uniformly from its bit patterns (every magnitude equally likely).
    static func anyFloat(_ generator: inout SplitMix64) -> Float {
        while true {
            let value = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator))
            if value.isFinite { return value }
        }
    }

    @Test(arguments: [TensorFastPath.vector, .avx2Vector, .ssse3Vector, .baselineVector, .swift])
    func fourHundredThousandShortestFloatsRoundTripBitForBit(fastPath: TensorFastPath) {
        var generator = SplitMix64(state: 11)
        for batch in 0..<4 {
            // Half in -1…1 as model inputs are, half anywhere in Float's range.
            let values = (0..<100_000).map { index -> Float in
                index % 2 == 0 ? Float.random(in: -1...1, using: &generator) : Self.anyFloat(&generator)
            }
            let texts = values.map { "\($0)" }
            Self.expectRowMatchesStandardLibrary(texts, fastPath: fastPath)
            // The project's own writer (what the service sends back) as well.
            let tensor = JSONFloatTensor(shape: [values.count], values: values)
            guard case .success(let parsed) = tensorResult(String(decoding: tensor.jsonBytes, as: UTF8.self), fastPath: fastPath)
            else {
                Issue.record("batch \(batch): writer output refused")
                continue
            }
            // Counted, not compared as arrays: a failure should not print 100 000 numbers.
            let mismatches = zip(parsed.values, values).filter { $0.bitPattern != $1.bitPattern }
            #expect(parsed.values.count == values.count && mismatches.isEmpty, "batch \(batch): \(mismatches.prefix(5))")
        }
    }

    /// 6–12 significant digits, as other writers (numpy, `%.9g`, `%.12e`) print floats: both
    /// `D.DDDDDeN` and plain `0.000DDDD` forms, from random Floats' exact Double expansions
    /// cut short, and random digit strings.
    static func writtenWithDigits(_ count: Int, seed: UInt64) -> [String] {
        var generator = SplitMix64(state: seed)
        return (0..<count).map { index in
            let digits = Int.random(in: 6...12, using: &generator)
            let isNegative = Bool.random(using: &generator)
            var significand = ""
            var exponent: Int
            if index % 2 == 0 {
                // Digits of a random Float (its Double description has up to 17).
                let value = index % 4 == 0 ? Float.random(in: -1...1, using: &generator) : Self.anyFloat(&generator)
                let (text, power) = decimalDigits(of: Double(value.magnitude))
                significand = String(text.prefix(digits))
                exponent = power
            } else {
                significand = String(Int.random(in: 1...9, using: &generator))
                for _ in 1..<digits { significand += String(Int.random(in: 0...9, using: &generator)) }
                exponent = Int.random(in: -46...38, using: &generator)
            }
            let sign = isNegative ? "-" : ""
            if Bool.random(using: &generator) || exponent < -8 || exponent > 8 {
                let fraction = significand.dropFirst()
                return sign + significand.prefix(1) + (fraction.isEmpty ? "" : "." + fraction) + "e" + String(exponent)
            } else if exponent < 0 {
                return sign + "0." + String(repeating: "0", count: -exponent - 1) + significand
            } else {
                let integer = significand.prefix(exponent + 1) + String(repeating: "0", count: max(0, exponent + 1 - significand.count))
                let fraction = significand.dropFirst(exponent + 1)
                return sign + integer + (fraction.isEmpty ? "" : "." + fraction)
            }
        }
    }

    /// The significant digits of a positive Double's description and the decimal exponent of
    /// the first one: 0.00123 → ("123", -3).
    static func decimalDigits(of value: Double) -> (String, Int) {
        JSONTests.decimalDigits(ofDescription: "\(value)")
    }

    @Test(arguments: [TensorFastPath.vector, .avx2Vector, .ssse3Vector, .baselineVector, .swift])
    func sixToTwelveDigitFormsRoundCorrectly(fastPath: TensorFastPath) {
        for batch in 0..<4 {
            let texts = Self.writtenWithDigits(100_000, seed: 20 + UInt64(batch)).filter { Float($0)!.isFinite }
            #expect(texts.count > 90_000)
            Self.expectRowMatchesStandardLibrary(texts, fastPath: fastPath)
        }
    }

    /// Exact midpoints between neighbouring Floats, with short decimal forms the kernel
    /// accepts as a shape (`1.6777217e7`), and their neighbours one unit in the last digit
    /// away; and the shortest Double forms of midpoints of random Floats.
    static func midpointTexts(seed: UInt64) -> [String] {
        var generator = SplitMix64(state: seed)
        var texts: [String] = []
        for _ in 0..<20_000 {
            // Floats from 2²⁴ to 2³⁴ are integers, so are their midpoints (up to 11 digits).
            let value = Float(UInt64.random(in: (1 << 24)..<(1 << 34), using: &generator))
            let midpoint = UInt64((Double(value) + Double(value.nextUp)) / 2)
            for integer in [midpoint - 1, midpoint, midpoint + 1] {
                let digits = String(integer)
                texts.append(digits)
                texts.append(String(digits.prefix(1)) + "." + digits.dropFirst() + "e" + String(digits.count - 1))
                texts.append("0." + digits + "e" + String(digits.count))
            }
            let random = Float(bitPattern: UInt32.random(in: 0x0080_0000..<0x7F7F_FFFF, using: &generator))
            let shortest = "\((Double(random) + Double(random.nextUp)) / 2)"
            texts.append(shortest.replacingPlusExponent())
        }
        return texts
    }

    @Test(arguments: [TensorFastPath.vector, .avx2Vector, .ssse3Vector, .baselineVector, .swift])
    func midpointsRoundHalfToEven(fastPath: TensorFastPath) {
        let texts = Self.midpointTexts(seed: 5).filter { Float($0)!.isFinite }
        Self.expectRowMatchesStandardLibrary(texts, fastPath: fastPath)
        Self.expectRowMatchesStandardLibrary(texts, fastPath: fastPath, separator: ", ")
        // 16777217 lies exactly between 16777216 and 16777218: ties go to the even one.
        #expect(
            tensorResult(
                "[" + Array(repeating: "1.6777217e7", count: 20).joined(separator: ",") + "]",
                fastPath: fastPath
            ).map(\.values.first) == .success(16_777_216))
    }

    /// Decimals of 14 significant digits just below and just above the midpoint between a
    /// random Float in [10⁻⁶, 10) and the next one: one in a hundred lands within a few
    /// Double ulps of the midpoint, where a product rounded to Double can fall on the wrong
    /// side, so these fail unless the midpoint window sends them to the exact path.
    static func nearMidpointTexts(count: Int, seed: UInt64) -> [String] {
        var generator = SplitMix64(state: seed)
        var texts: [String] = []
        while texts.count < count {
            let value = Float.random(in: 1e-6..<10, using: &generator)
            // value = k·2^E with k a 24-bit integer; the midpoint above it is (2k+1)·2^(E−1).
            let binaryExponent = Int(value.exponent) - 23
            let odd = UInt64(value.significandBitPattern | 0x80_0000) * 2 + 1
            let midpoint = Double(value) + Double(value.ulp) / 2
            let power = 13 - Int(midpoint.log10Floor)
            guard power >= 0 && power <= 19 else { continue }
            // floor(midpoint · 10^power), exactly, from the 128-bit product.
            var scale: UInt64 = 1
            for _ in 0..<power { scale *= 10 }
            let (high, low) = odd.multipliedFullWidth(by: scale)
            let shift = 1 - binaryExponent
            let below = shift >= 64 ? high >> UInt64(shift - 64) : (low >> UInt64(shift)) | (high << UInt64(64 - shift))
            for digits in [below, below + 1] where digits >= 10_000_000_000_000 && digits < 100_000_000_000_000 {
                let text = String(digits)
                let exponent = 13 - power
                texts.append(String(text.prefix(1)) + "." + text.dropFirst() + (exponent == 0 ? "" : "e\(exponent)"))
                if exponent < 0 {
                    texts.append("0." + String(repeating: "0", count: -exponent - 1) + text)
                }
            }
        }
        return texts
    }

    @Test(arguments: [TensorFastPath.vector, .avx2Vector, .ssse3Vector, .baselineVector, .swift])
    func decimalsNextToMidpointsRoundToTheirSide(fastPath: TensorFastPath) {
        Self.expectRowMatchesStandardLibrary(Self.nearMidpointTexts(count: 200_000, seed: 8), fastPath: fastPath)
        // After `, ` (Python's separator) the AVX2 kernel takes positional forms by its span
        // path, which has its own midpoint check.
        Self.expectRowMatchesStandardLibrary(Self.nearMidpointTexts(count: 100_000, seed: 9), fastPath: fastPath, separator: ", ")
        // Positional forms only, so that whole rows go through the four-at-a-time long-span
        // parser and its midpoint window.
        let positional = Self.nearMidpointTexts(count: 100_000, seed: 10).filter { !$0.contains("e") }
        #expect(positional.count > 40_000)
        Self.expectRowMatchesStandardLibrary(positional, fastPath: fastPath, separator: ", ")
    }

    /// Decimals for which `Float(Double(s) × 10^e)`, one Double product rounded again to
    /// Float, gives the wrong Float (found by an exact search with Python's fractions): the
    /// midpoint window must send each to the exact path. D.F…eN is the kernel's shape.
    static let doubleRoundingTraps = [
        "3.2585544028160e22", "4.0939868384271e-8", "6.8216838286852e-23", "8.6629688272413e18",
        "3.6169048794748e29", "9.5569159835577e-2", "2.3924451385462e-17", "9.522703245656e23",
        "5.8884110770082e-19", "4.8030949884037e-8", "9.6817817435077e-13", "9.0450597558004e24",
        "1.9859290087874e-23", "1.7607253860373e35", "7.5426344214459e-18", "1.4425546449649e27",
        "6.7917715114163e-6", "5.0453085843389e28", "2.0221976970963e-33", "7.496561684899e-35",
        "1.2998030416744e-27", "6.9441817188387e-15", "7.9709498550240e-12", "1.5654888581031e-25",
        "3.6238008850175e-13", "5.6507392063802e-30", "8.7128281908783e32", "7.7175572514534e-1",
        "6.8063231192231e24", "2.2455307278579e-24", "9.4927708698514e26", "7.4434544891119e-2",
        "5.3841060867018e-25", "2.7817955087280e-31", "2.3489350767979e-22", "4.4163469768342e-21",
        "2.294745393705e-9", "9.6766017456035e35", "7.0919104228255e24", "5.3777165621309e32"
    ]

    @Test(arguments: [TensorFastPath.vector, .avx2Vector, .ssse3Vector, .baselineVector, .swift])
    func doubleRoundingTrapsRoundCorrectly(fastPath: TensorFastPath) {
        Self.expectRowMatchesStandardLibrary(Self.doubleRoundingTraps, fastPath: fastPath)
        Self.expectRowMatchesStandardLibrary(Self.doubleRoundingTraps.map { "-" + $0 }, fastPath: fastPath)
    }

    /// Hand-picked edges: the ends of Float's range, subnormals, signed zeros, exponents at
    /// ±38, 17–20 digit significands, the largest fraction the kernel takes and one more.
    static let hardCases = [
        "3.4028235e38", "3.40282346e38", "3.4028234663852886e38", "-3.4028235e38", "3.402823e38",
        "3.40282356779733661637539395458142568447e38", "340282356779733661637539395458142568447",
        "1.17549435e-38", "1.1754942e-38", "1.17549421e-38", "1.1754943508222875e-38", "1.5e-38", "9.99e-39",
        "1e-45", "1.4e-45", "-1e-45", "1.401298464324817e-45", "7.006492321624086e-46", "7.1e-46", "2.1e-45",
        "2.8e-45", "1e-46", "1e-50", "-1e-50", "0e-7", "1e38", "1.0e+38", "-1E38", "9.9999e37", "1.0e-38", "1e-38",
        "0", "-0", "0.0", "-0.0", "0.0000000000000", "-0.0000000000000", "-0.0e5", "0.0e-5", "-0e0", "0E+0",
        "1.0", "-1.0", "3.0517578e-5", "0.0013113022", "0.63951874", "-0.63951874", "9.9999999", "9.99999999999999",
        "1.2345678901234", "1.23456789012345", "1.234567890123456", "-1.2345678901234", "-9.9999999999999",
        "0.1234567890123456789", "1.2345678901234567890", "12345678901234567890e-19", "1234567890123456789e-18",
        "0.00000000000000000000000000000000000001", "100000000000000000000000000000000000000",
        "16777216", "16777217", "16777218", "16777219", "33554433", "0.500000029802322387695312",
        "1.00000005960464477539062", "1.00000005960464477539063", "1.0000000596046447753906",
        "4.9999997e-1", "5.0000001e-1", "2.5e-1", "7.5", "9.5", "1.5e10", "1.5e-10"
    ]

    @Test(arguments: [TensorFastPath.vector, .avx2Vector, .ssse3Vector, .baselineVector, .swift, .general])
    func hardCasesMatchTheStandardLibrary(fastPath: TensorFastPath) {
        let finite = Self.hardCases.filter { Float($0)?.isFinite == true }
        #expect(finite.count == Self.hardCases.count)
        Self.expectRowMatchesStandardLibrary(finite, fastPath: fastPath)
        Self.expectRowMatchesStandardLibrary(finite, fastPath: fastPath, separator: " ,\n ")
    }

    /// Past Float's largest value after rounding (3.40282357e38 and up) an element is out of
    /// range, as before: the error names it, on every path.
    @Test(arguments: [TensorFastPath.vector, .avx2Vector, .ssse3Vector, .baselineVector, .swift, .general])
    func valuesRoundingToInfinityAreOutOfRange(fastPath: TensorFastPath) {
        for text in ["3.40282357e38", "3.4028236e38", "-3.40282357e38", "3.40282356779733661637539395458142568448e38", "1e39", "9.9e99"] {
            #expect(Float(text)!.isInfinite)
            let prefix = "[" + String(repeating: "0.25,", count: 10)
            let document = prefix + text + "," + String(repeating: "0.25,", count: 10) + "0.25]"
            #expect(tensorError(document) == .elementOutOfRange(index: [10], at(prefix.utf8.count)), "\(text)")
            #expect(
                TensorOutcome(tensorResult(document, fastPath: fastPath)) == .error(.elementOutOfRange(index: [10], at(prefix.utf8.count))))
        }
    }

    /// Where the kernel exists, the tests above run it (and not only the Swift fallback).
    @Test func rowKernelRunsOnX86() {
        #if arch(x86_64)
            #expect(FastFloatTables.shared.hasRowKernel)
        #else
            #expect(!FastFloatTables.shared.hasRowKernel)
        #endif
    }

    @Test func tablesHoldTheNearestDoubles() {
        let tables = FastFloatTables.shared
        for k in -64...64 {
            #expect(tables.powersOfTen[k + 64] == Double("1e\(k)")!, "10^\(k)")
        }
        for k in 0...8 {
            #expect(tables.integerPowersOfTen[k] == UInt64(Double("1e\(k)")!))
        }
    }

    @Test func paddedDigitsReadNonDigitsAsTrailingZeros() {
        for (text, value, count) in [
            ("12345678", 12_345_678, 8), ("639,-0.1", 63_900_000, 3), (",2345678", 0, 0),
            ("0000001]", 10, 7), ("9e-05000", 90_000_000, 1), ("1234567/", 12_345_670, 7),
            ("1234567:", 12_345_670, 7), ("12\u{80}45678", 12_000_000, 2)
        ] {
            let chunk = UInt64(littleEndian: Array(text.utf8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
            let digits = JSONScanner.paddedDigits(chunk)
            #expect(digits.value == UInt64(value) && digits.count == count, "\(text)")
        }
    }
}

extension Double {
    /// ⌊log₁₀ self⌋ for a positive finite value, exact at powers of ten.
    var log10Floor: Int {
        var power = 0
        var scaled = self
        while scaled >= 10 { scaled /= 10; power += 1 }
        while scaled < 1 { scaled *= 10; power -= 1 }
        return power
    }
}
