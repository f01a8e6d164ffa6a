#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Testing
@testable import JSON

/// Random Float32 values written as real clients write them — Python's `repr` of the float32
/// widened to a double (what `json.dumps(arr.astype(np.float32).tolist())` sends), numpy's
/// float32 `str`, Swift's `description`, and paramd's own writer — with random JSON
/// whitespace between the tokens, parse on every ``TensorFastPath`` to the Float that the C
/// library's `strtof` gives for the same digits (correctly rounded in glibc).
struct ClientNumberFormsTests {
    /// A writer of one number.
    enum Form: CaseIterable, CustomStringConvertible {
        case pythonDouble, numpyFloat32, swiftDescription, paramdWriter

        var description: String {
            switch self {
            case .pythonDouble: "Python repr of the widened double"
            case .numpyFloat32: "numpy float32 str"
            case .swiftDescription: "Swift description"
            case .paramdWriter: "paramd's writer"
            }
        }

        func text(_ value: Float) -> String {
            switch self {
            case .pythonDouble:
                let (digits, exponent) = Self.digits(of: "\(Double(value).magnitude)")
                return Self.pythonLayout(digits: digits, exponent: exponent, negative: value.sign == .minus)
            case .numpyFloat32:
                // numpy chooses the layout by the value, not by its digits: 1e-4 as float32 is
                // just below 1e-4, so it prints "1e-04".
                let (digits, exponent) = Self.digits(of: "\(value.magnitude)")
                let magnitude = Double(value.magnitude)
                let positional = magnitude == 0 || (1e-4 <= magnitude && magnitude < 1e16)
                return Self.pythonLayout(digits: digits, exponent: exponent, negative: value.sign == .minus, positional: positional)
            case .swiftDescription:
                return "\(value)"
            case .paramdWriter:
                var writer = JSONWriter()
                writer.write(tensor: JSONFloatTensor(shape: [], values: [value]))
                return String(decoding: writer.bytes, as: UTF8.self)
            }
        }

        /// The significant digits of a non-negative Swift description (shortest round-trip,
        /// as Python's repr and numpy's Dragon4 choose them) without trailing zeros, and the
        /// decimal exponent of the first one; zero → ("0", 0).
        static func digits(of text: String) -> (String, Int) {
            var (digits, exponent) = decimalDigits(ofDescription: text)
            while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
            return digits == "0" ? ("0", 0) : (digits, exponent)
        }

        /// CPython's `float_repr_style = 'short'` layout (`format_float_short`, mode 'r'):
        /// positional when the first digit's place is 10^-4 … 10^15, with `.0` on integral
        /// values; otherwise `d.ddde±XX` with at least two exponent digits. numpy's float32
        /// `str` lays out alike but decides `positional` by the value itself.
        static func pythonLayout(digits: String, exponent: Int, negative: Bool, positional: Bool? = nil) -> String {
            let sign = negative ? "-" : ""
            let decimalPoint = exponent + 1  // value = 0.digits × 10^decimalPoint
            if digits == "0" { return sign + "0.0" }
            if !(positional ?? (decimalPoint > -4 && decimalPoint <= 16)) {
                let fraction = digits.dropFirst()
                let power = abs(exponent)
                return sign + digits.prefix(1) + (fraction.isEmpty ? "" : "." + fraction) + "e"
                    + (exponent < 0 ? "-" : "+") + (power < 10 ? "0" : "") + String(power)
            }
            if decimalPoint <= 0 { return sign + "0." + String(repeating: "0", count: -decimalPoint) + digits }
            if decimalPoint >= digits.count {
                return sign + digits + String(repeating: "0", count: decimalPoint - digits.count) + ".0"
            }
            return sign + digits.prefix(decimalPoint) + "." + digits.dropFirst(decimalPoint)
        }
    }

    /// Model inputs in -1…1 and standard-normal-like, exact zeros of both signs, tiny values
    /// (exponent forms), integers, and any finite Float including subnormals.
    static func randomFloat(_ generator: inout SplitMix64) -> Float {
        switch Int.random(in: 0..<10, using: &generator) {
        case 0...2: return Float.random(in: -1...1, using: &generator)
        case 3, 4:
            let u = Float.random(in: Float.ulpOfOne...1, using: &generator)
            let angle = Float.random(in: 0..<(2 * Float.pi), using: &generator)
            return (-2 * log(u)).squareRoot() * cos(angle)
        case 5: return Bool.random(using: &generator) ? 0 : -0.0
        case 6: return Float.random(in: -1...1, using: &generator) * 1e-7
        case 7: return Float(Int.random(in: -1000...1000, using: &generator))
        default: return FastFloatParserTests.anyFloat(&generator)
        }
    }

    /// JSON whitespace, mostly none or what formatters write.
    static let gaps = ["", "", "", " ", " ", "  ", "\n", "\n  ", "\n      ", "\t", "\r\n", " \n\t "]

    /// A `rows × columns` document of `form`'s texts with random whitespace between tokens,
    /// and the texts in order.
    static func document(_ form: Form, rows: Int, columns: Int, using generator: inout SplitMix64) -> (String, [String]) {
        func gap() -> String { gaps.randomElement(using: &generator)! }
        var texts: [String] = []
        var document = gap() + "[" + gap()
        for row in 0..<rows {
            if row > 0 { document += gap() + "," + gap() }
            document += "[" + gap()
            for column in 0..<columns {
                if column > 0 { document += gap() + "," + gap() }
                let text = form.text(randomFloat(&generator))
                texts.append(text)
                document += text
            }
            document += gap() + "]"
        }
        return (document + gap() + "]" + gap(), texts)
    }

    /// `strtof` on the same digits: the reference rounding.
    static func referenceBits(_ text: String) -> UInt32 {
        text.withCString { strtof($0, nil) }.bitPattern
    }

    @Test(arguments: Form.allCases)
    func clientFormsWithWhitespaceParseToStrtofOnEveryPath(form: Form) {
        var generator = SplitMix64(state: 1400 + UInt64(Form.allCases.firstIndex(of: form)!))
        for round in 0..<12 {
            let rows = Int.random(in: 1...6, using: &generator)
            let columns = Int.random(in: 1...400, using: &generator)
            let (document, texts) = Self.document(form, rows: rows, columns: columns, using: &generator)
            Self.expectStrtofOnEveryPath(document, texts: texts, shape: [rows, columns], case: "\(form), round \(round)")
        }
    }

    /// Records an issue for each path on which `document` does not parse to the tensor of
    /// `shape` holding strtof's Floats of `texts`, naming the first number that differs.
    static func expectStrtofOnEveryPath(_ document: String, texts: [String], shape: [Int], case label: String) {
        let expected = TensorOutcome.tensor(shape: shape, bits: texts.map(referenceBits))
        for path in TensorFastPathTests.paths {
            let outcome = TensorOutcome(tensorResult(document, fastPath: path))
            guard outcome != expected else { continue }
            // Name the first number that differs rather than printing thousands.
            if case .tensor(_, let bits) = outcome, bits.count == texts.count,
                let index = texts.indices.first(where: { bits[$0] != referenceBits(texts[$0]) })
            {
                Issue.record("\(label), \(path): \(texts[index]) gave bits \(bits[index])")
            } else {
                Issue.record("\(label), \(path): \(outcome)")
            }
        }
    }

    /// Python-default rows (`, ` and 17 digits) where half the values lie in 0.0001…0.01, whose
    /// leading digits keep only 11–13 significant ones (the four-at-a-time parser's wider
    /// rounding windows), and some just beside Float midpoints at those magnitudes: every path
    /// gives strtof's Float.
    @Test func smallMagnitudesInPythonRowsParseToStrtofOnEveryPath() {
        var generator = SplitMix64(state: 1414)
        for round in 0..<8 {
            var texts: [String] = []
            for _ in 0..<(4 * 784) {
                let value: Float
                switch Int.random(in: 0..<8, using: &generator) {
                case 0...2: value = Float.random(in: 0.1..<1, using: &generator)
                case 3: value = Float.random(in: 0.0001..<0.001, using: &generator)
                case 4, 5: value = Float.random(in: 0.001..<0.01, using: &generator)
                default:
                    // A midpoint between two Floats at 0.0001…0.01 (a Double), or the Double
                    // next to it on either side, in Python's layout: the side decides its Float.
                    let below = Float.random(in: 0.0001..<0.01, using: &generator)
                    let midpoint = (Double(below) + Double(below.nextUp)) / 2
                    let near = [midpoint.nextDown, midpoint, midpoint.nextUp].randomElement(using: &generator)!
                    let (digits, exponent) = Self.Form.digits(of: "\(near)")
                    texts.append(Self.Form.pythonLayout(digits: digits, exponent: exponent, negative: false))
                    continue
                }
                texts.append(Self.Form.pythonDouble.text(Bool.random(using: &generator) ? value : -value))
            }
            let document =
                "["
                + (0..<4).map { row in "[" + texts[(row * 784)..<((row + 1) * 784)].joined(separator: ", ") + "]" }
                .joined(separator: ", ") + "]"
            Self.expectStrtofOnEveryPath(document, texts: texts, shape: [4, 784], case: "round \(round)")
        }
    }

    /// The layouts the forms above emulate, against what Python and numpy print.
    @Test func formsMatchPythonAndNumpyLayouts() {
        let cases: [(Form, Float, String)] = [
            (.pythonDouble, 0.1, "0.10000000149011612"), (.pythonDouble, -0.0, "-0.0"), (.pythonDouble, 1, "1.0"),
            (.pythonDouble, 1e-5, "9.999999747378752e-06"), (.pythonDouble, 0.0001, "9.999999747378752e-05"),
            (.pythonDouble, 100, "100.0"), (.pythonDouble, 3e38, "3.0000000054977558e+38"),
            (.pythonDouble, 0.001, "0.0010000000474974513"),
            (.numpyFloat32, 1e-5, "1e-05"), (.numpyFloat32, 0.1, "0.1"), (.numpyFloat32, 1e16, "1e+16"),
            (.numpyFloat32, 1.5e-7, "1.5e-07"), (.numpyFloat32, 12345, "12345.0"), (.numpyFloat32, 0.0001, "1e-04"),
            (.numpyFloat32, 0.00011, "0.00011")
        ]
        for (form, value, text) in cases {
            #expect(form.text(value) == text, "\(form) of \(value)")
        }
    }
}
