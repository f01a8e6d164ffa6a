import CKernels

/// The tensor reader's Swift fast path: JSON numbers of the common shapes (`-0.63951874`, `1.0`,
/// `3.0517578e-5`) parsed and rounded to Float32 in one pass, branch-light, over raw bytes.
/// On x86-64 the C row kernel (``parseRow(from:into:capacity:usesVectorKernel:)``) does this
/// for whole rows with the same rounding rule, and this type only takes what it hands back.
///
/// It only answers when it is sure; for anything unusual — more than about 19 digits, a
/// malformed number, a decimal exponent outside ±64, a result near a Float rounding midpoint,
/// a subnormal, an overflow, the last few bytes of the buffer — it refuses (consuming
/// nothing) and the caller takes the general path (``JSONScanner/scanNumber()`` and
/// ``JSONScanner/floatValue(_:)``), which rounds exactly and names errors precisely. So this
/// type never throws and only has to be right when it accepts.
///
/// ## Why the rounding is exact
/// An accepted number is `s × 10^e` with `s < 2⁶³` and `|e| ≤ 64`. The product
/// `Double(s) × P[e]`, with `P[e]` the Double nearest 10^e, carries at most three roundings of
/// half an ulp each (`Double(s)`, `P[e]`, the multiply), so it is within 3.0001 Double ulps of
/// the true value. A Float is the rounding of the true value unless a Float rounding
/// boundary — a midpoint between two Floats, including the overflow threshold 2¹²⁸ − 2¹⁰³ —
/// lies between the true value and the product. In a normal Float's Double representation
/// those boundaries are exactly the values whose 29 dropped significand bits are `1` followed
/// by 28 zeros (they are 2²⁸ Double ulps from the nearest power of two, so no binade edge
/// interferes); if the product's dropped bits are at least 5 ulps away from that pattern, no
/// boundary is within reach and `Float(product)` is the correctly rounded Float. Otherwise
/// (about 1 in 60 million random inputs, and every exact midpoint) the general path decides.
struct FastFloatParser {
    let base: UnsafePointer<UInt8>
    let count: Int
    let powersOfTen: UnsafePointer<Double>
    let integerPowersOfTen: UnsafePointer<UInt64>
    let rowKernel: ck_json_row_isa

    /// A parser over `bytes`; nil for an empty buffer (nothing to parse fast). `rowKernel`
    /// overrides the detected kernel build (tests run the SSE2 and SSSE3 ones on AVX2 machines too).
    init?(_ bytes: UnsafeBufferPointer<UInt8>, rowKernel: ck_json_row_isa? = nil) {
        guard let base = bytes.baseAddress else { return nil }
        self.base = base
        count = bytes.count
        let tables = FastFloatTables.shared
        powersOfTen = tables.powersOfTen
        integerPowersOfTen = tables.integerPowersOfTen
        self.rowKernel = rowKernel ?? tables.rowKernel
    }

    /// The value of the number at `start` and the offset just after it, or nil for a refusal.
    @inline(__always)
    func parse(at start: Int) -> (value: Float, end: Int)? {
        guard start < count else { return nil }
        let isNegative = base[start] == UInt8(ascii: "-")
        let digitsStart = start &+ (isNegative ? 1 : 0)
        var p = digitsStart
        var significand: UInt64 = 0
        var exponent = 0
        if let (digits, end) = parseShortFraction(at: p) {
            significand = digits
            exponent = -16
            p = end
        } else {
            guard let (digits, scale, end) = parseDigits(at: p) else { return nil }
            significand = digits
            exponent = scale
            p = end
        }
        if p < count && base[p] | 0x20 == UInt8(ascii: "e") {
            guard let written = parseExponent(at: &p) else { return nil }
            exponent &+= written
        }
        guard let magnitude = nearestFloat(significand, exponent) else { return nil }
        // The sign bit set without a branch: the sign of random data is unpredictable.
        return (Float(bitPattern: magnitude.bitPattern | UInt32(isNegative ? 1 : 0) &<< 31), p)
    }

    /// The common shape `D.DDDDDDDD…`, one integer digit and 1–16 fraction digits, as a
    /// significand scaled by 10⁻¹⁶ and the offset after the fraction; nil for any other shape
    /// (or too close to the end of the buffer for two 8-byte loads).
    ///
    /// Whether the fraction spills into the second chunk is a coin toss per number, so both
    /// chunks are always converted and the second one selected without a branch. Missing
    /// digits count as trailing zeros (``JSONScanner/paddedDigits(_:)``).
    @inline(__always)
    private func parseShortFraction(at p: Int) -> (significand: UInt64, end: Int)? {
        guard p &+ 18 <= count else { return nil }
        let lead = base[p] &- UInt8(ascii: "0")
        guard lead < 10 && base[p &+ 1] == UInt8(ascii: ".") else { return nil }
        let high = JSONScanner.paddedDigits(load(p &+ 2))
        let low = JSONScanner.paddedDigits(load(p &+ 10))
        let isLong = high.count == 8
        let lowCount = isLong ? low.count : 0
        // At most 17 digits: below 10¹⁷ < 2⁶³, so the signed conversion to Double applies.
        let significand = (UInt64(lead) &* 100_000_000 &+ high.value) &* 100_000_000 &+ (isLong ? low.value : 0)
        // No fraction digit (`1.`) is malformed; a seventeenth needs the general loop.
        guard high.count > 0 && lowCount < 8 else { return nil }
        return (significand, p &+ 2 &+ high.count &+ lowCount)
    }

    /// Any other valid shape: integer digits, then optionally a point and fraction digits, as
    /// a significand of at most 19 digits, its decimal exponent and the offset after the last
    /// digit; nil when malformed or longer.
    private func parseDigits(at start: Int) -> (significand: UInt64, exponent: Int, end: Int)? {
        var p = start
        var significand: UInt64 = 0
        // Integer part: at least one digit; a leading 0 must stand alone (RFC 8259 §6).
        guard accumulateDigits(at: &p, into: &significand) else { return nil }
        let integerDigits = p &- start
        guard integerDigits > 0, integerDigits == 1 || base[start] != UInt8(ascii: "0") else { return nil }
        guard p < count && base[p] == UInt8(ascii: ".") else { return (significand, 0, p) }
        p &+= 1
        let fractionStart = p
        // Leading zeros of the fraction count as digits too, so the significand stays below
        // 10¹⁹ and exact without telling them apart; the integer part's lone 0 likewise.
        guard accumulateDigits(at: &p, into: &significand, digits: integerDigits), p > fractionStart else {
            return nil
        }
        return (significand, fractionStart &- p, p)
    }

    /// The offset of the next element's first byte if a `,` and a number start follow `offset`
    /// (whitespace allowed around the comma), else nil: the row ends or something is wrong,
    /// which the caller's general loop sorts out.
    @inline(__always)
    func nextNumberStart(after offset: Int) -> Int? {
        var p = offset
        if !(p < count && base[p] == UInt8(ascii: ",")) {
            p = skippingWhitespace(from: p)
            guard p < count && base[p] == UInt8(ascii: ",") else { return nil }
        }
        p &+= 1
        if !(p < count && JSONScanner.isNumberStart(base[p])) {
            p = skippingWhitespace(from: p)
            guard p < count && JSONScanner.isNumberStart(base[p]) else { return nil }
        }
        return p
    }

    /// Eight bytes at `offset`, first byte lowest; the caller has checked `offset + 8 ≤ count`.
    @inline(__always)
    private func load(_ offset: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self))
    }

    /// Appends the run of digits at `p` to `significand`, eight at a time. False (a refusal)
    /// when the run could pass 19 digits in all (`digits` already taken) or a chunk would
    /// reach past the end of the buffer.
    @inline(__always)
    private func accumulateDigits(at p: inout Int, into significand: inout UInt64, digits: Int = 0) -> Bool {
        var digits = digits
        while true {
            guard digits <= 11 && p &+ 8 <= count else { return false }
            let chunk = load(p)
            let run = JSONScanner.leadingDigitCount(chunk)
            significand = significand &* integerPowersOfTen[run] &+ JSONScanner.digitsValue(chunk, count: run)
            p &+= run
            digits &+= run
            if run < 8 { return true }
        }
    }

    /// Consumes `[eE][+-]?[0-9]+` at `p` and returns its value, saturated at ±10 000 (beyond
    /// any accepted exponent); nil without a digit.
    @inline(__always)
    private func parseExponent(at p: inout Int) -> Int? {
        var q = p &+ 1
        var isNegative = false
        if q < count && (base[q] == UInt8(ascii: "-") || base[q] == UInt8(ascii: "+")) {
            isNegative = base[q] == UInt8(ascii: "-")
            q &+= 1
        }
        guard q < count && (base[q] &- UInt8(ascii: "0")) < 10 else { return nil }
        var value = 0
        while q < count {
            let digit = base[q] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            if value < 10_000 { value = value &* 10 &+ Int(digit) }
            q &+= 1
        }
        p = q
        return isNegative ? -value : value
    }

    /// `significand × 10^exponent` rounded to the nearest Float (see the type's comment for
    /// why this is exact), or nil when the general path must decide. Zero has no sign here.
    @inline(__always)
    private func nearestFloat(_ significand: UInt64, _ exponent: Int) -> Float? {
        if significand == 0 { return 0 }
        let index = exponent &+ 64
        guard significand < 1 << 63 && UInt(bitPattern: index) <= 128 else { return nil }
        // Below 2⁶³ the signed conversion applies: one instruction, exact below 2⁵³.
        let product = Double(Int64(bitPattern: significand)) * powersOfTen[index]
        // The 29 bits Float drops, against the midpoint pattern 0x1000_0000 ± 4.
        let dropped = product.bitPattern & 0x1FFF_FFFF
        guard dropped &- 0x0FFF_FFFC > 8 && product >= Double(Float.leastNormalMagnitude) else { return nil }
        let single = Float(product)
        guard single.isFinite else { return nil }
        return single
    }

    /// The offset of the first non-whitespace byte at or after `offset`.
    @inline(__always)
    private func skippingWhitespace(from offset: Int) -> Int {
        var p = offset
        while p < count {
            let byte = base[p]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { break }
            p &+= 1
        }
        return p
    }
}

extension FastFloatParser {
    /// Why ``parseRow(from:into:capacity:)`` stopped.
    enum RowStop {
        /// `capacity` values were written; the position is just after the last one.
        case full
        /// The fast path refused the number at the position (it may be malformed or not a
        /// number at all); the general path must parse it.
        case refused
        /// After the last number something other than `, number` follows; the position is
        /// just after that number.
        case end
    }

    /// Parses `number , number , …` from `position` into `output`, at most `capacity` (≥ 1)
    /// values: the innermost row of a tensor without the general loop's per-element state.
    ///
    /// On x86-64 the C kernel `ck_json_parse_float_row` (SSE2, SSSE3 or AVX2) takes every number
    /// shape and the whitespace between them, and hands back only a number it is unsure of
    /// (and the last 32 bytes of the buffer), which ``parse(at:)`` then parses here, one
    /// number, before the kernel resumes. `usesVectorKernel` false keeps to Swift (tests, and
    /// CPUs without the kernel).
    func parseRow(
        from position: inout Int, into output: UnsafeMutablePointer<Float>, capacity: Int,
        usesVectorKernel: Bool = true
    ) -> (written: Int, stop: RowStop) {
        var p = position
        var written = 0
        while true {
            #if arch(x86_64)
                if usesVectorKernel && rowKernel != CK_JSON_ROW_NONE {
                    var offset = p
                    var kernelStop = CK_JSON_ROW_REFUSED
                    written += ck_json_parse_float_row(rowKernel, base, count, &offset, output + written, capacity - written, &kernelStop)
                    p = offset
                    if kernelStop == CK_JSON_ROW_FULL {
                        position = p
                        return (written, .full)
                    } else if kernelStop == CK_JSON_ROW_END {
                        position = p
                        return (written, .end)
                    }
                }
            #endif
            guard let (value, end) = parse(at: p) else {
                position = p
                return (written, .refused)
            }
            output[written] = value
            written &+= 1
            guard written < capacity else {
                position = end
                return (written, .full)
            }
            guard let next = nextNumberStart(after: end) else {
                position = end
                return (written, .end)
            }
            p = next
        }
    }
}
