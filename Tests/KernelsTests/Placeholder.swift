import Testing
@testable import Kernels

@Test func builds() { #expect(true) }
