import Testing
@testable import Service

@Test func builds() { #expect(true) }
