import Testing
@testable import HTTP

/// The one conversion from `Duration` to nanoseconds saturates instead of wrapping.
struct DurationNanosecondsTests {
    @Test func convertsExactlyWithinRange() {
        #expect(Duration.microseconds(1_503).saturatingNanoseconds == 1_503_000)
        #expect(Duration.seconds(-2).saturatingNanoseconds == -2_000_000_000)
        #expect(Duration.seconds(9_223_372_036).saturatingNanoseconds == 9_223_372_036_000_000_000)
        #expect(Duration.milliseconds(-1_500).saturatingNanoseconds == -1_500_000_000)
        #expect(Duration(secondsComponent: 0, attosecondsComponent: 999_999_999).saturatingNanoseconds == 0)
    }

    /// Durations whose attoseconds fit in an Int64 take a 64-bit shortcut: on either side of
    /// its edge (about 9.22 s) the result is the same whole nanoseconds, truncated toward zero.
    @Test func agreesOnEitherSideOfTheShortcut() {
        let edge = Duration(secondsComponent: 9, attosecondsComponent: 223_372_036_854_775_807)  // Int64.max as
        #expect(edge.saturatingNanoseconds == 9_223_372_036)
        #expect((edge + Duration(secondsComponent: 0, attosecondsComponent: 1)).saturatingNanoseconds == 9_223_372_036)
        #expect((Duration.zero - edge).saturatingNanoseconds == -9_223_372_036)
        #expect((Duration.zero - edge - .nanoseconds(1)).saturatingNanoseconds == -9_223_372_037)
    }

    @Test func saturatesBeyondInt64() {
        // 10^10 s is 10^19 ns, past Int64.max: a wrapping product would be negative.
        #expect(Duration.seconds(10_000_000_000).saturatingNanoseconds == .max)
        #expect(Duration.seconds(-10_000_000_000).saturatingNanoseconds == .min)
        #expect(Duration.seconds(Int64.max).saturatingNanoseconds == .max)
        #expect(Duration.seconds(-1).monotonicNanoseconds == 0)
        #expect(Duration.seconds(10_000_000_000).monotonicNanoseconds == UInt64(Int64.max))
    }
}
