import Testing
@testable import NeuralNet

@Test func builds() { #expect(true) }
