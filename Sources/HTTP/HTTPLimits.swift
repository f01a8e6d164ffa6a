/// Bounds on what one client may send or hold. Each default is chosen so ordinary API use never
/// meets it while a hostile client is stopped early and cheaply.
public struct HTTPLimits: Sendable, Equatable {
    /// Largest request body after chunked decoding, in bytes. Default 16 MiB: the largest
    /// state dict we expect to be uploaded as one request. Bigger Content-Length → 413 unread.
    public var maxBodyBytes: Int = 16 << 20
    /// Largest body after gzip inflation, in bytes. Default 64 MiB: bounds decompression bombs.
    public var maxInflatedBodyBytes: Int = 64 << 20
    /// Largest request head (request line + fields + blank line). Default 32 KiB → 431.
    public var maxHeaderBytes: Int = 32 << 10
    /// Most header fields in one request. Default 100 → 431.
    public var maxHeaderCount: Int = 100
    /// Longest request target. Default 8 KiB → 414 (as nginx's default buffers).
    public var maxTargetBytes: Int = 8 << 10
    /// Most open connections over all event loops. Default 4096. At the cap, the connection
    /// that has waited longest for a request head (on the accepting loop, else on another) is
    /// shed to admit the new one.
    public var maxConnections: Int = 4096
    /// Bytes queued for writing per connection before the response stream waits. Default 256 KiB.
    public var writeBufferHighWater: Int = 256 << 10

    public init() {}
}
