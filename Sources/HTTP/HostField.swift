import Glibc

/// The grammar of a Host field value (RFC 9110 §7.2: `uri-host [ ":" port ]`), checked because
/// RFC 9112 §3.2 requires a 400 for an invalid one, as for a missing or repeated Host: a
/// server that routes or logs by Host must not accept what another server would read differently.
enum HostField {
    /// Whether `value` (already trimmed of whitespace by the parser) is a valid Host value: empty
    /// (allowed when the target has no authority), an IP literal in brackets, or a reg-name /
    /// IPv4 address, each optionally followed by `:` and decimal digits.
    static func isValid(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { isValid(bytes: $0) }
    }

    /// ``isValid(_:)`` over the field's bytes, as the parser holds them: one pass, each byte
    /// tested against a ``ByteSet`` (every request has a Host; the grammar's per-kind tests
    /// over a slice cost about 260 instructions for `127.0.0.1:8080`).
    static func isValid(bytes value: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = value.count
        if count > 0 && value[0] == UInt8(ascii: "[") {
            index = 1
            while index < count && value[index] != UInt8(ascii: "]") {
                guard ByteSet.ipLiteral.contains(value[index]) else { return false }
                index += 1
            }
            // Unclosed, or nothing in the brackets.
            guard index < count, index > 1 else { return false }
            index += 1
        } else {
            // reg-name = *( unreserved / pct-encoded / sub-delims ); IPv4 addresses fit it.
            // Members first: neither `:` nor `%` is one, so most bytes need one test.
            while index < count {
                let byte = value[index]
                if ByteSet.regName.contains(byte) {
                    index += 1
                } else if byte == UInt8(ascii: "%") {
                    guard index + 2 < count, isHexDigit(value[index + 1]), isHexDigit(value[index + 2]) else { return false }
                    index += 3
                } else if byte == UInt8(ascii: ":") {
                    break
                } else {
                    return false
                }
            }
        }
        guard index < count else { return true }
        guard value[index] == UInt8(ascii: ":") else { return false }
        index += 1
        while index < count {
            guard (0x30...0x39).contains(value[index]) else { return false }
            index += 1
        }
        return true
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte | 0x20)
    }
}

/// The last Host value a connection sent that was valid, up to 32 bytes, kept inline (no
/// allocation): a keep-alive client sends the same Host with every request, and comparing it
/// costs a fraction of checking its grammar again (about 180 instructions for `127.0.0.1:8080`).
struct RecentHost: Sendable {
    private var bytes: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var count = 0
    private var isSet = false

    /// ``HostField/isValid(bytes:)``, remembering a valid value for the next call.
    mutating func isValid(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        if isSet && value.count == count && matches(value) { return true }
        guard HostField.isValid(bytes: value) else { return false }
        guard value.count <= MemoryLayout.size(ofValue: bytes) else {
            isSet = false
            return true
        }
        withUnsafeMutableBytes(of: &bytes) { $0.copyMemory(from: UnsafeRawBufferPointer(value)) }
        count = value.count
        isSet = true
        return true
    }

    private mutating func matches(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        withUnsafeBytes(of: &bytes) { stored in
            guard let storedStart = stored.baseAddress, let valueStart = value.baseAddress else { return value.isEmpty }
            return memcmp(storedStart, valueStart, value.count) == 0
        }
    }
}
