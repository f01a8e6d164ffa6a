import Testing
@testable import HTTP

/// The loop's ids, advanced in place, are the counter in base 62 after the stem.
struct RequestIDCounterTests {
    @Test func idsCountInBase62AfterTheStem() {
        var counter = RequestIDCounter(stem: "k3Fq9Z-0-")
        for value in 1...300_000 {
            let id = counter.next().string
            if value % 997 == 0 || value < 4000 || (238_320...238_330).contains(value) {
                #expect(id == "k3Fq9Z-0-" + ServerContext.base62(value), "id \(value)")
            }
        }
    }
}
