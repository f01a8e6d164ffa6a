import Testing
@testable import JSON

/// Decimal-to-binary conversion rounds exactly as the standard library's correctly rounded
/// `Double(String)` / `Float(String)` do, on the fast path and off it.
struct JSONNumberTests {
    /// Random JSON numbers: 1–20 significant digits, a fraction or not, exponents from −330
    /// to 330, so both the fast path and the fallback are exercised.
    static func randomNumbers(count: Int, seed: UInt64) -> [String] {
        var generator = SplitMix64(state: seed)
        return (0..<count).map { _ in
            var text = Bool.random(using: &generator) ? "-" : ""
            let digits = Int.random(in: 1...20, using: &generator)
            let integerDigits = Int.random(in: 1...digits, using: &generator)
            for index in 0..<digits {
                if index == integerDigits { text += "." }
                let low = index == 0 && integerDigits > 1 ? 1 : 0
                text += String(Int.random(in: low...9, using: &generator))
            }
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: break
            case 1: text += "e" + String(Int.random(in: -25...25, using: &generator))
            default: text += "E" + String(Int.random(in: -330...330, using: &generator))
            }
            return text
        }
    }

    @Test func doublesMatchTheCorrectlyRoundedStandardLibrary() throws {
        for text in Self.randomNumbers(count: 20_000, seed: 1) {
            guard let expected = Double(text), expected.isFinite else {
                #expect(parseError(text) == .numberOutOfRange(at(0)), "\(text)")
                continue
            }
            let parsed = try JSONValue(parsing: text)
            #expect(parsed == .number(expected), "\(text)")
            if case .number(let value) = parsed {
                #expect(value.bitPattern == expected.bitPattern, "\(text)")
            }
        }
    }

    @Test func floatsMatchTheCorrectlyRoundedStandardLibrary() throws {
        for text in Self.randomNumbers(count: 20_000, seed: 2) {
            guard let expected = Float(text), expected.isFinite else {
                #expect(tensorError(text) == .elementOutOfRange(index: [], at(0)), "\(text)")
                continue
            }
            let tensor = try JSONFloatTensor(parsing: Array(text.utf8))
            #expect(tensor.values[0].bitPattern == expected.bitPattern, "\(text)")
        }
    }

    /// The same numbers inside arrays, where the tensor reader's fast path parses them.
    @Test func tensorElementsMatchTheCorrectlyRoundedStandardLibrary() throws {
        var texts = Self.randomNumbers(count: 20_000, seed: 4).filter { Float($0)?.isFinite == true }
        texts += [
            "0", "-0", "0.0", "-0.000", "16777217", "0.100000001490116119384765625", "1e-45", "1.17549435e-38",
            "123456789012.5", "0.00000000000000000000000001", "1.5E+3", "2e-0", "9007199254740993"
        ]
        let tensor = try JSONFloatTensor(parsing: Array(("[" + texts.joined(separator: ", ") + "]").utf8))
        #expect(tensor.values.count == texts.count)
        for (text, value) in zip(texts, tensor.values) {
            #expect(value.bitPattern == Float(text)!.bitPattern, "\(text)")
        }
    }

    @Test func parsesEightDigitChunks() {
        let chunk = UInt64(littleEndian: Array("12345678".utf8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        #expect(JSONScanner.isEightDigits(chunk))
        #expect(JSONScanner.eightDigitsValue(chunk) == 12_345_678)
        for (text, run) in [("12345678", 8), ("1234567,", 7), ("1,345678", 1), (",2345678", 0), ("12]45678", 2), ("9e-05000", 1)] {
            let chunk = UInt64(littleEndian: Array(text.utf8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
            #expect(JSONScanner.leadingDigitCount(chunk) == run, "\(text)")
            if run > 0 {
                #expect(JSONScanner.digitsValue(chunk, count: run) == UInt64(text.prefix(run))!, "\(text)")
            }
        }
        for byte in UInt8(0)...255 {
            let chunk = UInt64(byte) | 0x3030_3030_3030_3000
            let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            #expect(JSONScanner.leadingDigitCount(chunk) == (isDigit ? 8 : 0), "byte \(byte)")
        }
        for bad in ["1234567a", "/2345678", ":2345678", "1234 678"] {
            let chunk = UInt64(littleEndian: Array(bad.utf8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
            #expect(!JSONScanner.isEightDigits(chunk), "\(bad)")
        }
    }

    /// Decimals printed from the exact midpoint between two neighbouring Floats: rounding
    /// through Double lands on the midpoint, where a naive Float(Double) may round wrongly.
    @Test func floatsRoundCorrectlyNearMidpoints() throws {
        var generator = SplitMix64(state: 3)
        var texts = ["16777217", "16777219", "0.500000029802322387695312", "3.4028235677973366e38"]
        for _ in 0..<5_000 {
            let value = Float(bitPattern: UInt32.random(in: 0x0080_0000..<0x7F7F_FFFF, using: &generator))
            let midpoint = (Double(value) + Double(value.nextUp)) / 2
            texts.append(midpoint.description.replacingPlusExponent())
            texts.append(String(Int64(clamping: Int64(Double(UInt32.random(in: 0...(1 << 25), using: &generator)) * 2 + 1))))
        }
        texts = texts.filter { Float($0)?.isFinite == true }
        for text in texts {
            let tensor = try JSONFloatTensor(parsing: Array(text.utf8))
            #expect(tensor.values[0].bitPattern == Float(text)!.bitPattern, "\(text)")
        }
        let array = try JSONFloatTensor(parsing: Array(("[" + texts.joined(separator: ",") + "]").utf8))
        for (text, value) in zip(texts, array.values) {
            #expect(value.bitPattern == Float(text)!.bitPattern, "in an array: \(text)")
        }
    }

    @Test func floatRangeEndsAreExact() throws {
        #expect(try JSONFloatTensor(parsing: Array("3.4028235e38".utf8)).values == [.greatestFiniteMagnitude])
        #expect(try JSONFloatTensor(parsing: Array("1e-45".utf8)).values == [.leastNonzeroMagnitude])
        #expect(try JSONFloatTensor(parsing: Array("1e-50".utf8)).values == [0])
        #expect(tensorError("3.5e38") == .elementOutOfRange(index: [], at(0)))
    }
}

extension String {
    /// `1e+20` → `1e20`: JSON allows both; keeps generated text close to what clients send.
    func replacingPlusExponent() -> String { split(separator: "+").joined() }
}
