import Testing
@testable import NeuralNet

/// Reading F16, BF16 and F64 tensors as Float32, and where the header puts each tensor.
struct SafeTensorsConversionTests {
    /// A file holding one tensor `a` of `dtype` with these raw little-endian bytes.
    static func file(_ dtype: String, count: Int, data: [UInt8]) -> [UInt8] {
        SafeTensorsTests.file(header: #"{"a":{"dtype":"\#(dtype)","shape":[\#(count)],"data_offsets":[0,\#(data.count)]}}"#) + data
    }

    static func littleEndian<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
    }

    @Test func widensHalfPrecisionExactly() throws {
        // 1, -2, 65504 (largest), 2⁻²⁴ (smallest subnormal), -0, +inf, 0.333251953125.
        let halves: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x8000, 0x7C00, 0x3555]
        let decoded = try SafeTensorsFile(decoding: Self.file("F16", count: halves.count, data: Self.littleEndian(halves)))
        let values = decoded.tensors[0].values
        #expect(Array(values[0..<4]) == [1, -2, 65504, 0x1p-24])
        #expect(values[4] == 0 && values[4].sign == .minus)
        #expect(values[5] == .infinity)
        #expect(values[6] == 0.333251953125)
        #expect(SafeTensorsLayout.widen(half: 0x7E00).isNaN)
    }

    @Test func widensBFloat16ByShifting() throws {
        let values: [Float] = [1, -3.5, 0x1p100, 0]
        let bits = values.map { UInt16($0.bitPattern >> 16) }
        let decoded = try SafeTensorsFile(decoding: Self.file("BF16", count: bits.count, data: Self.littleEndian(bits)))
        #expect(decoded.tensors[0].values == values)
    }

    @Test func roundsDoublesToNearest() throws {
        let doubles: [Double] = [0.1, -1e-50, 3.4028234663852886e38]
        let decoded = try SafeTensorsFile(decoding: Self.file("F64", count: 3, data: Self.littleEndian(doubles.map(\.bitPattern))))
        #expect(decoded.tensors[0].values == [Float(0.1), -0.0, .greatestFiniteMagnitude])
    }

    @Test func refusesADoubleBeyondFloat32NamingItsIndex() {
        let doubles: [Double] = [1, 2, 1e39, -1e300]
        let bytes = Self.file("F64", count: 4, data: Self.littleEndian(doubles.map(\.bitPattern)))
        #expect(throws: SafeTensorsError.valueOutOfRange(tensor: "a", index: 2)) { try SafeTensorsFile(decoding: bytes) }
    }

    @Test func layoutsGiveFileOffsetsInBufferOrder() throws {
        let header = #"{"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]},"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#
        let bytes = SafeTensorsTests.file(header: header, buffer: 6)
        let parsed = try SafeTensorsHeader(parsing: bytes)
        let start = 8 + header.utf8.count
        #expect(parsed.layouts.map(\.name) == ["a", "b"])
        #expect(parsed.layouts.map(\.bytes) == [start..<start + 2, start + 2..<start + 6])
        #expect(parsed.layouts.map(\.dtype) == [.f16, .f32])
    }

    /// Every dtype of the format is known with its size, so a header using any of them is
    /// checked, and only the float ones convert.
    @Test(arguments: SafeTensorsDType.allCases)
    func knowsEveryDType(dtype: SafeTensorsDType) throws {
        let bytes = Self.file(dtype.rawValue, count: 2, data: [UInt8](repeating: 0, count: 2 * dtype.size))
        let layout = try #require(try SafeTensorsHeader(parsing: bytes).layouts.first)
        if dtype.convertsToFloat32 {
            #expect(try layout.floats(in: bytes) == [0, 0])
        } else {
            #expect(throws: SafeTensorsError.unsupportedDType(tensor: "a", dtype: dtype.rawValue)) { try layout.floats(in: bytes) }
        }
    }
}
