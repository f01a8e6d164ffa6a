import CKernels

/// Constant tables of the tensor number parser, built once and never freed.
///
/// A class with pointer fields rather than global arrays: the hot loop reads them through a
/// plain pointer fetched once per call, with no lazy-global (`swift_once`) check and no
/// bounds check per number. `@unchecked Sendable` is sound because nothing writes to the
/// tables after `init`.
final class FastFloatTables: @unchecked Sendable {
    /// The one instance; it lives as long as the process.
    static let shared = FastFloatTables()

    /// `powersOfTen[k + 64]` is the Double nearest to 10^k, for k in −64…64 (exact for 0…22).
    let powersOfTen: UnsafePointer<Double>
    /// `integerPowersOfTen[k]` is 10^k, for k in 0…8.
    let integerPowersOfTen: UnsafePointer<UInt64>
    /// The build of the C row kernel this CPU runs (CPUID is slow: asked once, here).
    let rowKernel: ck_json_row_isa

    /// Whether the C row kernel runs on this machine (x86-64 only).
    var hasRowKernel: Bool { rowKernel != CK_JSON_ROW_NONE }

    private init() {
        // The C row kernel's table (ck_json.h): one copy, so both paths round alike.
        powersOfTen = ck_json_powers_of_ten_table()
        let integers = UnsafeMutablePointer<UInt64>.allocate(capacity: 9)
        var power: UInt64 = 1
        for k in 0...8 {
            integers[k] = power
            power &*= 10
        }
        integerPowersOfTen = UnsafePointer(integers)
        rowKernel = ck_json_detect_row_isa()
    }
}
