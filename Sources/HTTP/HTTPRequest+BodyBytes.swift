extension HTTPRequest {
    /// The body's length, wherever the server read it.
    public var bodyByteCount: Int { bodyDestination?.byteCount ?? body.count }

    /// Calls `read` with the body's bytes, wherever the server read them: ``body``, or the
    /// route's ``bodyDestination`` (filled whole before the handler runs). The bytes are valid
    /// only inside `read`.
    public func withBodyBytes<Result, Failure: Error>(
        _ read: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        if let reusable = bodyDestination as? ReusableBody {
            return try reusable.withUnsafeBytes(read)
        }
        if let destination = bodyDestination {
            let result: Swift.Result<Result, Failure> = destination.withUnsafeMutableBytes { bytes in
                do throws(Failure) { return .success(try read(UnsafeRawBufferPointer(bytes))) } catch { return .failure(error) }
            }
            return try result.get()
        }
        let result: Swift.Result<Result, Failure> = body.withUnsafeBytes { bytes in
            do throws(Failure) { return .success(try read(bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
