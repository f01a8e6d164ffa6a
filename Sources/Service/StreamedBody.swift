import HTTP
import JSON

/// Large response bodies written as they are produced, a chunk of about ``chunkBytes`` at a
/// time, from the snapshot they belong to: a slow reader of a 400 MB body holds a chunk or two
/// (each write waits while the connection's buffer is above its high-water mark), the snapshot
/// stays alive in the producer until it is done, and writes to the model go on meanwhile.
///
/// Smaller bodies stay whole (Content-Length, gzip when asked): below ``threshold`` elements,
/// building them costs less than the chunk framing.
enum StreamedBody {
    static let chunkBytes = 256 << 10
    /// Tensor elements from which a response is streamed (about 1 MB of raw floats).
    static let threshold = 1 << 18

    /// Raw little-endian float32, sent straight from `values` (the snapshot's own storage,
    /// which the body keeps alive until it is written): no byte is copied on the way to the
    /// socket.
    static func raw(_ values: [Float], shape: [Int], version: Int) -> HTTPResponse {
        var response = HTTPResponse(status: .ok, headers: ["Content-Type": MediaType.octetStream])
        response.headers.set("Tensor-Shape", TensorShapeHeader.format(shape))
        response.headers.set("ETag", EntityTag.header(version: version))
        response.body = .stream { writer in try await lend(values, to: writer) }
        return response
    }

    /// Bytes lent to the connection per chunk: large, since a borrowed chunk costs no memory,
    /// and the fewer chunks the fewer trips through the event loop.
    static let lentChunkBytes = 4 << 20

    /// Sends `values` as little-endian bytes, lent in chunks of ``lentChunkBytes``; each write
    /// waits while the connection is backed up, as a copied chunk's would.
    static func lend(_ values: [Float], to writer: HTTPBodyWriter) async throws {
        let storage = LentFloats(values)
        var start = 0
        while start < storage.byteCount {
            let end = min(storage.byteCount, start + lentChunkBytes)
            try await writer.write(borrowing: BorrowedBytes(base: storage.base + start, count: end - start, owner: storage))
            start = end
        }
    }

    /// A JSON body written by `produce` through a ``JSONStream``.
    static func json(
        version: Int?, contentType: String = MediaType.json, _ produce: @escaping @Sendable (inout JSONStream) async throws -> Void
    ) -> HTTPResponse {
        var response = HTTPResponse(status: .ok, headers: ["Content-Type": contentType])
        if let version { response.headers.set("ETag", EntityTag.header(version: version)) }
        response.body = .stream { writer in
            var stream = JSONStream(body: writer)
            try await produce(&stream)
            try await stream.finish()
        }
        return response
    }
}

/// An array lent to a connection: holding it keeps its storage alive, and since nothing ever
/// writes through this reference (a snapshot's tensor is replaced, not mutated, by an edit:
/// copy-on-write), the storage neither moves nor changes while chunks of it are in flight.
final class LentFloats: @unchecked Sendable {
    private let values: [Float]
    let base: UnsafeRawPointer
    var byteCount: Int { values.count * MemoryLayout<Float>.size }

    init(_ values: [Float]) {
        self.values = values
        base = values.withUnsafeBytes { UnsafeRawPointer($0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!) }
    }
}

/// A ``JSONWriter`` whose bytes go to a response a chunk at a time.
struct JSONStream {
    var writer = JSONWriter(reservingCapacity: StreamedBody.chunkBytes + 4096)
    let body: HTTPBodyWriter

    init(body: HTTPBodyWriter) { self.body = body }

    /// Sends what is buffered once it reaches a chunk.
    mutating func flushIfFull() async throws {
        if writer.bytes.count >= StreamedBody.chunkBytes { try await body.write(writer.takeBytes()) }
    }

    /// Sends the rest.
    mutating func finish() async throws {
        try await body.write(writer.takeBytes())
    }

    /// Writes `values` (row-major, of `shape`) as nested arrays, as ``JSONWriter`` would, a
    /// block of rows at a time: sub-tensors that fit a chunk are written whole, larger ones
    /// split along their first dimension, and a long vector a run of numbers at a time.
    mutating func write(tensor values: [Float], shape: [Int]) async throws {
        try await write(values, 0..<values.count, shape[...])
    }

    private mutating func write(_ values: [Float], _ range: Range<Int>, _ shape: ArraySlice<Int>) async throws {
        let blockElements = StreamedBody.chunkBytes / 16
        if range.count <= blockElements || shape.isEmpty {
            values.withUnsafeBufferPointer { buffer in
                writer.write(tensor: UnsafeBufferPointer(rebasing: buffer[range]), shape: Array(shape))
            }
            try await flushIfFull()
            return
        }
        writer.beginArray()
        let rows = shape.first!
        if shape.count == 1 {
            var start = range.lowerBound
            while start < range.upperBound {
                let end = min(range.upperBound, start + blockElements)
                for index in start..<end { writer.write(float: values[index]) }
                try await flushIfFull()
                start = end
            }
        } else {
            let rowElements = range.count / rows
            for row in 0..<rows {
                let start = range.lowerBound + row * rowElements
                try await write(values, start..<start + rowElements, shape.dropFirst())
            }
        }
        writer.endArray()
    }
}
