import Glibc
import HTTP

/// Formats access-log lines, logfmt style, on the log's own thread:
///
///     2026-12-03T10:18:46.123Z request id=k3Fq9Z-0-1B remote=127.0.0.1:50312 method=GET route=/healthz status=200 bytes_in=78 bytes_out=141 duration_ms=0.052 completed=true
///
/// Never the body, the query or headers: they may carry data or credentials. Every value is a
/// token without spaces (ids are checked visible ASCII, routes are templates), so no quoting.
struct AccessLogFormatter {
    private var cachedSecond = Int.min
    /// `2026-12-03T10:18:46.` for `cachedSecond`.
    private var secondPrefix: [UInt8] = []

    mutating func format(_ entries: [AccessLogEntry]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entries.count * 192)
        for entry in entries { append(entry, to: &out) }
        return out
    }

    private mutating func append(_ entry: AccessLogEntry, to out: inout [UInt8]) {
        let summary = entry.summary
        if entry.seconds != cachedSecond {
            cachedSecond = entry.seconds
            secondPrefix = Self.timestampPrefix(entry.seconds)
        }
        out.append(contentsOf: secondPrefix)
        Self.appendDigits(entry.milliseconds, width: 3, to: &out)
        Self.append("Z request id=", to: &out)
        Self.append(summary.id, to: &out)
        Self.append(" remote=", to: &out)
        Self.append(summary.remoteAddress, to: &out)
        Self.append(" method=", to: &out)
        Self.append(summary.method.rawValue, to: &out)
        Self.append(" route=", to: &out)
        Self.append(summary.route ?? "unmatched", to: &out)
        Self.append(" status=", to: &out)
        Self.appendDigits(summary.status.code, width: 1, to: &out)
        Self.append(" bytes_in=", to: &out)
        Self.appendDigits(summary.bytesIn, width: 1, to: &out)
        Self.append(" bytes_out=", to: &out)
        Self.appendDigits(summary.bytesOut, width: 1, to: &out)
        Self.append(" duration_ms=", to: &out)
        let micros = max(0, summary.duration.saturatingNanoseconds / 1000)
        Self.appendDigits(Int(micros / 1000), width: 1, to: &out)
        out.append(UInt8(ascii: "."))
        Self.appendDigits(Int(micros % 1000), width: 3, to: &out)
        if summary.completed {
            Self.append(" completed=true\n", to: &out)
        } else {
            Self.append(" completed=false\n", to: &out)
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS.` in UTC.
    private static func timestampPrefix(_ seconds: Int) -> [UInt8] {
        var time = time_t(seconds)
        var fields = tm()
        gmtime_r(&time, &fields)
        var out: [UInt8] = []
        out.reserveCapacity(20)
        appendDigits(Int(fields.tm_year) + 1900, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(Int(fields.tm_mon) + 1, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(Int(fields.tm_mday), width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        appendDigits(Int(fields.tm_hour), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(Int(fields.tm_min), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(Int(fields.tm_sec), width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        return out
    }

    /// Decimal digits of a non-negative `value`, zero-padded to at least `width`.
    private static func appendDigits(_ value: Int, width: Int, to out: inout [UInt8]) {
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var rest = UInt(max(0, value))
        withUnsafeMutableBytes(of: &digits) { buffer in
            // Filled from the end, so the digits come out in order in one copy.
            var start = buffer.count
            repeat {
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            while buffer.count - start < width {
                start -= 1
                buffer[start] = UInt8(ascii: "0")
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start...]))
        }
    }

    // Literals and strings are appended as contiguous bytes (one copy each), not through their
    // UTF-8 views, whose generic append went byte by byte: this runs ten times per line.
    private static func append(_ literal: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }
}
