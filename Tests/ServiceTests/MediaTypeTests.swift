import Testing
@testable import Service

/// Content-Type essences and Accept matching, on the fast path and off it.
struct MediaTypeTests {
    @Test(arguments: [
        ("application/json", "application/json"),
        ("application/octet-stream", "application/octet-stream"),
        ("Application/JSON", "application/json"),
        ("application/json; charset=utf-8", "application/json"),
        ("application/json;charset=UTF-8", "application/json"),
        ("  application/json\t", "application/json"),
        ("TEXT/Plain ; q=1", "text/plain"),
        ("", ""),
        (";", "")
    ])
    func essenceDropsParametersSpacesAndCase(value: String, essence: String) {
        #expect(MediaType.essence(of: value) == essence)
    }

    @Test func essenceOfNoHeaderIsNil() {
        #expect(MediaType.essence(of: nil) == nil)
    }

    @Test func acceptNamesATypeUnlessItsQualityIsZero() {
        #expect(MediaType.accepts(MediaType.octetStream, header: "application/octet-stream"))
        #expect(MediaType.accepts(MediaType.octetStream, header: "application/json, Application/Octet-Stream;q=0.5"))
        #expect(!MediaType.accepts(MediaType.octetStream, header: "application/octet-stream;q=0"))
        #expect(!MediaType.accepts(MediaType.octetStream, header: "*/*"))
        #expect(!MediaType.accepts(MediaType.octetStream, header: nil))
    }
}
