/// The status line and handler fields of the last response a connection encoded, as bytes, with
/// the fields they were made from: a response that carries the very same fields again (a route's
/// constant answer, such as the health probe's, returned by copy) gets them with one copy, rather
/// than field by field with the server's own fields filtered out and line breaks replaced.
///
/// "The very same" is decided by storage, not by content: the fields' arrays must be the ones
/// cached (``HTTPHeaders/sharesStorage(with:)``). That is sound because the cache holds those
/// arrays: while it does, their storage can neither be freed and reused for other fields, nor
/// changed in place (a change to a shared array copies it first). Different fields with equal
/// content just miss.
struct EncodedFieldsCache {
    private var headers = HTTPHeaders()
    private var status = HTTPStatus.ok
    /// `HTTP/1.1 <code> <reason>\r\n` and the fields' lines; empty until the first response.
    private(set) var bytes: [UInt8] = []
    /// Whether the handler set its own Date (the server's is then left out).
    private(set) var hasDate = false

    /// Whether ``bytes`` are the status line and fields of `response`.
    func matches(_ response: HTTPResponse) -> Bool {
        !bytes.isEmpty && response.headers.sharesStorage(with: headers) && response.status.code == status.code
            && response.status.reasonPhrase == status.reasonPhrase
    }

    /// Keeps `encoded` as the status line and fields of `response`.
    mutating func keep(_ encoded: UnsafeBufferPointer<UInt8>, hasDate: Bool, of response: HTTPResponse) {
        headers = response.headers
        status = response.status
        self.hasDate = hasDate
        bytes.removeAll(keepingCapacity: bytes.capacity <= Self.maxKeptBytes)
        bytes.append(contentsOf: encoded)
    }

    /// Storage above this is let go of when the next response is cached.
    static let maxKeptBytes = 4 << 10
}
