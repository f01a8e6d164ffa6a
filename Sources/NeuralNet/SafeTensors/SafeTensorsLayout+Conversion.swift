extension SafeTensorsLayout {
    /// The tensor's elements as Float32, read from `file` (the bytes the header was parsed from).
    ///
    /// F32 is copied as is; F16 and BF16 widen exactly (their NaNs and infinities stay NaN and
    /// infinite); F64 rounds to nearest, and a finite value beyond Float32's range throws
    /// rather than becoming an infinity.
    /// - Throws: `.unsupportedDType` for integer, boolean and 8-bit float types;
    ///   `.valueOutOfRange` naming the flat index of the first F64 value that does not fit.
    /// - Complexity: O(elements), one allocation of `4 × elements` bytes.
    public func floats(in file: [UInt8]) throws(SafeTensorsError) -> [Float] {
        guard dtype.convertsToFloat32 else { throw .unsupportedDType(tensor: name, dtype: dtype.rawValue) }
        precondition(bytes.upperBound <= file.count, "a layout must come from the header of this file")
        let count = elementCount
        var outOfRange: Int?
        let values = file.withUnsafeBytes { raw in
            let source = UnsafeRawBufferPointer(rebasing: raw[bytes])
            return [Float](unsafeUninitializedCapacity: count) { target, initialized in
                switch dtype {
                case .f32:
                    #if _endian(little)
                        UnsafeMutableRawBufferPointer(target).copyMemory(from: source)
                    #else
                        for i in 0..<count { target[i] = Float(bitPattern: Self.load(UInt32.self, source, i)) }
                    #endif
                case .bf16:
                    for i in 0..<count { target[i] = Float(bitPattern: UInt32(Self.load(UInt16.self, source, i)) << 16) }
                case .f16:
                    for i in 0..<count { target[i] = Self.widen(half: Self.load(UInt16.self, source, i)) }
                default:
                    for i in 0..<count {
                        let value = Double(bitPattern: Self.load(UInt64.self, source, i))
                        let narrowed = Float(value)
                        if narrowed.isInfinite && value.isFinite && outOfRange == nil { outOfRange = i }
                        target[i] = narrowed
                    }
                }
                initialized = count
            }
        }
        if let index = outOfRange { throw .valueOutOfRange(tensor: name, index: index) }
        return values
    }

    /// The elements of an I64 or I32 tensor as Float32 (an integer buffer such as
    /// `num_batches_tracked`).
    /// - Throws: `.unsupportedDType` for other types; `.valueOutOfRange` naming the flat index
    ///   of the first value beyond ±2^24, which Float32 would not hold exactly.
    public func integers(in file: [UInt8]) throws(SafeTensorsError) -> [Float] {
        guard dtype == .i64 || dtype == .i32 else { throw .unsupportedDType(tensor: name, dtype: dtype.rawValue) }
        precondition(bytes.upperBound <= file.count, "a layout must come from the header of this file")
        var values = [Float](repeating: 0, count: elementCount)
        var outOfRange: Int?
        file.withUnsafeBytes { raw in
            let source = UnsafeRawBufferPointer(rebasing: raw[bytes])
            for i in values.indices {
                let v = dtype == .i64 ? Self.load(Int64.self, source, i) : Int64(Self.load(Int32.self, source, i))
                if abs(v) > 1 << 24, outOfRange == nil { outOfRange = i }
                values[i] = Float(v)
            }
        }
        if let index = outOfRange { throw .valueOutOfRange(tensor: name, index: index) }
        return values
    }

    private static func load<T: FixedWidthInteger>(_: T.Type, _ source: UnsafeRawBufferPointer, _ index: Int) -> T {
        T(littleEndian: source.loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self))
    }

    /// IEEE 754 binary16 to binary32, exactly: the sign moves up, the exponent is rebiased
    /// (15 → 127), subnormal halves become normal floats.
    static func widen(half bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let fraction = UInt32(bits & 0x3FF)
        switch exponent {
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | fraction << 13)
        case 0:
            // ±fraction × 2⁻²⁴, exact in Float32.
            let magnitude = Float(fraction) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        default:
            return Float(bitPattern: sign | (exponent + 112) << 23 | fraction << 13)
        }
    }
}
