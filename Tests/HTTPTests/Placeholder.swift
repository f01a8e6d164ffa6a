import Testing
@testable import HTTP

@Test func builds() { #expect(true) }
