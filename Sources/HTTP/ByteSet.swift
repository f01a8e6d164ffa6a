/// A set of bytes, tested by one lookup in a table of every byte's classes.
///
/// The table is a string literal (each byte's entry is `@` plus its classes' bits), read in
/// place from the binary: no initializer to run, where a `static let` array would go through
/// its lazy initializer's `swift_once` at every access. One load and a mask per byte, where
/// tests of ranges or of two 64-bit masks took about ten instructions a byte. ParserByteSweepTests
/// and HostFieldTests check each set against its grammar for all 256 bytes.
struct ByteSet {
    /// This set's bit in the table's entries.
    private let bit: UInt8

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        Self.table.utf8Start[Int(byte)] & bit != 0
    }

    /// tchar (RFC 9110 §5.6.2): "!#$%&'*+-.^_`|~", digits and letters.
    static var token: ByteSet { ByteSet(bit: 1) }

    /// reg-name bytes besides pct-encoded (RFC 3986 §3.2.2): unreserved and sub-delims.
    static var regName: ByteSet { ByteSet(bit: 2) }

    /// Bytes of an IP literal in brackets: reg-name's, `:` and `%` (see ``HostField``).
    static var ipLiteral: ByteSet { ByteSet(bit: 4) }

    /// Bytes a request target may hold that need no decoding and start no query or fragment:
    /// visible ASCII except `#`, `%` and `?` (``RequestTarget``'s one-pass form).
    static var plainTarget: ByteSet { ByteSet(bit: 8) }

    /// Entries for bytes 0–255, 64 a line; bytes from 128 up belong to no set.
    private static var table: StaticString {
        """
        @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@OHAOEOONNOONOOHOOOOOOOOOOLNHNH@\
        HOOOOOOOOOOOOOOOOOOOOOOOOOOHHHIOIOOOOOOOOOOOOOOOOOOOOOOOOOOHIHO@\
        @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\
        @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
        """
    }
}
