import Glibc
import HTTP

/// Formats access-log lines, logfmt style, into the log's buffer (``AccessLogBuffer``):
///
///     2026-12-03T10:18:46.123Z request id=k3Fq9Z-0-1B remote=127.0.0.1:50312 method=GET route=/healthz status=200 bytes_in=78 bytes_out=141 duration_ms=0.052 completed=true
///
/// Never the body, the query or headers: they may carry data or credentials. Every value is a
/// token without spaces (ids are checked visible ASCII, routes are templates), so no quoting.
struct AccessLogFormatter {
    private var cachedSecond = Int.min
    /// `2026-12-03T10:18:46.` for `cachedSecond`.
    private var secondPrefix: [UInt8] = []

    /// The fixed text (about 110 bytes), up to 20 digits for each number and the strings: the
    /// room ``write(_:seconds:milliseconds:to:)`` may take.
    static func maximumLength(of summary: HTTPRequestSummary) -> Int {
        256 + summary.id.utf8.count + summary.remoteAddress.utf8.count + summary.method.rawValue.utf8.count
            + (summary.route?.utf8.count ?? 9)
    }

    /// One line for `summary`, finished at `seconds` and `milliseconds` of wall-clock time.
    mutating func write(_ summary: HTTPRequestSummary, seconds: Int, milliseconds: Int, to out: inout ByteWriter) {
        if seconds != cachedSecond {
            cachedSecond = seconds
            secondPrefix = Self.timestampPrefix(seconds)
        }
        out.write(secondPrefix)
        out.writeDecimal(milliseconds, width: 3)
        out.write("Z request id=")
        out.write(summary.id)
        out.write(" remote=")
        out.write(summary.remoteAddress)
        out.write(" method=")
        out.write(summary.method.rawValue)
        out.write(" route=")
        out.write(summary.route ?? "unmatched")
        out.write(" status=")
        out.writeDecimal(summary.status.code)
        out.write(" bytes_in=")
        out.writeDecimal(summary.bytesIn)
        out.write(" bytes_out=")
        out.writeDecimal(summary.bytesOut)
        out.write(" duration_ms=")
        let micros = max(0, summary.duration.saturatingNanoseconds / 1000)
        out.writeDecimal(Int(micros / 1000))
        out.write(UInt8(ascii: "."))
        out.writeDecimal(Int(micros % 1000), width: 3)
        if summary.completed {
            out.write(" completed=true\n")
        } else {
            out.write(" completed=false\n")
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS.` in UTC.
    private static func timestampPrefix(_ seconds: Int) -> [UInt8] {
        var time = time_t(seconds)
        var fields = tm()
        gmtime_r(&time, &fields)
        return [UInt8](unsafeUninitializedCapacity: 64) { buffer, initialized in
            var out = ByteWriter(buffer.baseAddress!)
            out.writeDecimal(Int(fields.tm_year) + 1900, width: 4)
            out.write("-")
            out.writeDecimal(Int(fields.tm_mon) + 1, width: 2)
            out.write("-")
            out.writeDecimal(Int(fields.tm_mday), width: 2)
            out.write("T")
            out.writeDecimal(Int(fields.tm_hour), width: 2)
            out.write(":")
            out.writeDecimal(Int(fields.tm_min), width: 2)
            out.write(":")
            out.writeDecimal(Int(fields.tm_sec), width: 2)
            out.write(".")
            initialized = out.position - buffer.baseAddress!
        }
    }
}
