/// Everything the server needs to know before it starts. Every field has a documented default.
public struct HTTPServerConfiguration: Sendable {
    /// Address to bind: an IPv4 or IPv6 literal (`0.0.0.0`, `::`, `::1`) or a resolvable name.
    /// Default `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 asks the kernel for a free one (see ``HTTPServer/start()``). Default 8080.
    public var port: Int = 8080
    /// Listen backlog. Default 1024.
    public var backlog: Int = 1024
    /// Event-loop threads, each with its own epoll set. Default: one per available core.
    public var eventLoopCount: Int = HTTPServerConfiguration.coreCount
    public var limits = HTTPLimits()
    public var timeouts = HTTPTimeouts()
    public var compression = HTTPCompression()
    /// TLS from PEM files; nil serves plain HTTP. Default nil.
    public var tls: TLSConfiguration?

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }

    /// Cores this process may run on (its affinity mask, so `taskset` is honoured).
    public static var coreCount: Int { Scheduling.availableCores() }
}

/// Deadlines that keep slow or silent clients from holding connections (slowloris defence).
public struct HTTPTimeouts: Sendable, Equatable {
    /// From a request's first byte (or the TLS handshake's start) to the end of its head. Default 15 s → 408.
    public var head: Duration = .seconds(15)
    /// Longest pause between two reads of a request body. Default 30 s → 408.
    public var body: Duration = .seconds(30)
    /// Longest wait for the next request on a keep-alive connection. Default 60 s, then closed.
    public var idle: Duration = .seconds(60)
    /// Longest time a response may wait for a client that does not read. Default 30 s, then closed.
    public var write: Duration = .seconds(30)

    public init() {}
}

/// When responses are gzip-compressed.
public struct HTTPCompression: Sendable, Equatable {
    /// Whether to compress at all. Default true.
    public var isEnabled = true
    /// Smallest body worth compressing, in bytes. Default 1024: below that, the gzip header and
    /// the CPU cost outweigh the saving.
    public var minimumBytes = 1024
    /// zlib level 1–9. Default 5: most of level 9's ratio at a fraction of its time on JSON.
    public var level: Int32 = 5
    /// Content-Type prefixes that are compressed; binary float tensors barely shrink, so
    /// `application/octet-stream` is not among them.
    public var contentTypes: [String] = [
        "text/", "application/json", "application/problem+json", "application/x-ndjson",
        "application/xml", "application/javascript", "application/yaml", "image/svg+xml"
    ]

    public init() {}
}

/// PEM certificate chain and private key; TLS 1.2 and 1.3 only.
public struct TLSConfiguration: Sendable, Equatable {
    public var certificateChainPath: String
    public var privateKeyPath: String
    /// OpenSSL cipher list for TLS 1.2 (TLS 1.3 suites are OpenSSL's defaults).
    /// Default: ECDHE key exchange with AES-GCM or ChaCha20-Poly1305 only (forward secrecy, AEAD).
    public var tls12Ciphers = "ECDHE+AESGCM:ECDHE+CHACHA20"
    /// Key-exchange groups, for TLS 1.2 and 1.3. Default: Mozilla's "intermediate" set, which
    /// OpenSSL's default list exceeds (it also offers X448 and secp521r1).
    public var groups = "X25519:P-256:P-384"

    public init(certificateChainPath: String, privateKeyPath: String) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
    }
}
