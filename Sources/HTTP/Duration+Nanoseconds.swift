extension Duration {
    /// Whole nanoseconds, saturating at `Int64`'s bounds (a `Duration` spans far more): for
    /// metrics, logs and clock arithmetic, never wrapping to a nonsense sign.
    public var saturatingNanoseconds: Int64 {
        // Below about 9.2 s the attoseconds fit in an Int64: one 64-bit division, where
        // `components` divides 128-bit numbers (it runs for every logged request).
        if let small = Int64(exactly: self.attoseconds) { return small / 1_000_000_000 }
        let (seconds, attoseconds) = components
        let (scaled, overflowed) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (sum, overflowedAgain) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflowed || overflowedAgain { return seconds < 0 ? .min : .max }
        return sum
    }

    /// ``saturatingNanoseconds``, and 0 for a negative duration: for comparing with differences
    /// of monotonic clock readings.
    var monotonicNanoseconds: UInt64 { UInt64(clamping: saturatingNanoseconds) }
}
