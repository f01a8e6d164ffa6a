/// The element types the safetensors format defines, with their sizes.
///
/// Every dtype is known by name and size, so a header can be checked whatever its types; only
/// the floating-point ones convert to Float32 (``SafeTensorsLayout/floats(in:)``).
public enum SafeTensorsDType: String, Sendable, CaseIterable {
    case bool = "BOOL", u8 = "U8", i8 = "I8", f8e5m2 = "F8_E5M2", f8e4m3 = "F8_E4M3"
    case i16 = "I16", u16 = "U16", f16 = "F16", bf16 = "BF16"
    case i32 = "I32", u32 = "U32", f32 = "F32"
    case f64 = "F64", i64 = "I64", u64 = "U64"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3: 1
        case .i16, .u16, .f16, .bf16: 2
        case .i32, .u32, .f32: 4
        case .f64, .i64, .u64: 8
        }
    }

    /// Whether ``SafeTensorsLayout/floats(in:)`` converts this type to Float32: F32 as is,
    /// F16 and BF16 exactly, F64 rounded to nearest.
    public var convertsToFloat32: Bool { [.f32, .f16, .bf16, .f64].contains(self) }
}
