import Testing
@testable import JSON

@Test func builds() { #expect(JSONValue.null == .null) }
