/// A cursor that writes bytes into memory measured beforehand: the response head and the
/// access log's lines, made for every request, are sized first and then written with plain
/// copies, rather than appended piece by piece to a growing array.
///
/// Unsafe: the caller guarantees room for everything written (measure with the same pieces,
/// then write them).
public struct ByteWriter {
    /// Where the next byte goes.
    public var position: UnsafeMutablePointer<UInt8>

    @inlinable
    public init(_ start: UnsafeMutablePointer<UInt8>) { position = start }

    @inlinable
    public mutating func write(_ literal: StaticString) {
        write(short: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    @inlinable
    public mutating func write(_ byte: UInt8) {
        position.pointee = byte
        position += 1
    }

    @inlinable
    public mutating func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { write(short: $0) }
    }

    @inlinable
    public mutating func write(contentsOf source: UnsafeBufferPointer<UInt8>) {
        guard let base = source.baseAddress else { return }
        position.update(from: base, count: source.count)
        position += source.count
    }

    /// Disfavoured, so that a literal is written as a `StaticString` (its bytes where the
    /// compiler put them) rather than made a `String` and asked for its UTF-8 storage.
    @inlinable @_disfavoredOverload
    public mutating func write(_ text: String) {
        // Native and small strings lend their UTF-8 in place (a small one from a stack copy);
        // walking `utf8` byte by byte instead went through the view's iterator for every byte,
        // the largest single user-space cost of a response head.
        let lent: Void? = text.utf8.withContiguousStorageIfAvailable { write(short: $0) }
        if lent == nil {
            var text = text
            text.withUTF8 { write(short: $0) }
        }
    }

    /// Short pieces (literals, ids, methods, routes, field values: most of what is written)
    /// without a call: a memmove call per piece cost more than the copy itself, and a byte loop
    /// several instructions a byte. Up to 32 bytes go as two or four overlapping words, loaded
    /// before any is stored (as memcpy does for short lengths).
    @inlinable
    mutating func write(short source: UnsafeBufferPointer<UInt8>) {
        let count = source.count
        guard count > 0, let base = source.baseAddress else { return }
        let from = UnsafeRawPointer(base)
        let to = UnsafeMutableRawPointer(position)
        switch count {
        case 1...3:
            for offset in 0..<count { position[offset] = base[offset] }
        case 4...7:
            let (head, tail) = (from.loadUnaligned(as: UInt32.self), from.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
        case 8...16:
            let (head, tail) = (from.loadUnaligned(as: UInt64.self), from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
        case 17...32:
            let first = from.loadUnaligned(as: UInt64.self)
            let second = from.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let third = from.loadUnaligned(fromByteOffset: count - 16, as: UInt64.self)
            let fourth = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            to.storeBytes(of: first, as: UInt64.self)
            to.storeBytes(of: second, toByteOffset: 8, as: UInt64.self)
            to.storeBytes(of: third, toByteOffset: count - 16, as: UInt64.self)
            to.storeBytes(of: fourth, toByteOffset: count - 8, as: UInt64.self)
        default:
            write(contentsOf: source)
            return
        }
        position += count
    }

    /// Text with CR, LF and NUL replaced by spaces, so no value from a handler can split a
    /// response or a log line.
    @inlinable
    public mutating func writeSafe(_ text: String) {
        let start = position
        write(text)
        makeSafe(from: start)
    }

    /// Bytes made safe as ``writeSafe(_:)`` makes text safe.
    @inlinable
    public mutating func writeSafe(contentsOf source: UnsafeBufferPointer<UInt8>) {
        let start = position
        write(short: source)
        makeSafe(from: start)
    }

    @inlinable
    mutating func makeSafe(from start: UnsafeMutablePointer<UInt8>) {
        var byte = start
        while byte < position {
            if byte.pointee == 0x0D || byte.pointee == 0x0A || byte.pointee == 0 { byte.pointee = 0x20 }
            byte += 1
        }
    }

    /// The decimal digits of a non-negative `value`, zero-padded to at least `width`.
    @inlinable
    public mutating func writeDecimal(_ value: Int, width: Int = 1) {
        let digits = max(Self.decimalDigits(value), width)
        var rest = max(0, value)
        for offset in stride(from: digits - 1, through: 0, by: -1) {
            position[offset] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        position += digits
    }

    /// How many digits ``writeDecimal(_:width:)`` writes for `value` with width 1.
    @inlinable
    public static func decimalDigits(_ value: Int) -> Int {
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        return digits
    }
}
