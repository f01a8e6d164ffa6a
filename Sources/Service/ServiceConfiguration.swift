public import NeuralNet

/// Everything the service needs to know at start, with the defaults `paramd --help` shows.
///
/// A plain value, built once by the executable from flags and `PARAMD_*` variables and passed
/// in; nothing reads the environment after start.
public struct ServiceConfiguration: Sendable, Equatable {
    /// Address to listen on. The default keeps the service off the network until asked.
    public var host: String = "127.0.0.1"
    /// TCP port; 0 asks the kernel for a free one (tests use this).
    public var port: Int = 8080
    /// Folder holding one sub-folder per model; created on start when missing.
    public var dataDirectory: String = "./paramd-data"
    /// PEM certificate chain and private key; both set means HTTPS only.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    /// When set, every `/v1` and `/v2` route but health needs `Authorization: Bearer <token>`;
    /// this token grants every scope (``AccessScope/admin``).
    public var token: String?
    /// The tokens of `--tokens-file`, each with its scopes; set (even empty), it turns access
    /// checks on like ``token``. ``ParamdService/replaceFileTokens(_:)`` swaps them at run time.
    public var fileTokens: AccessTokens?
    /// Largest request body accepted, in bytes (larger: 413 before the body is read).
    public var maxBodyBytes: Int = 256 << 20
    /// Largest model, in Float32 parameters, checked before anything is allocated: 4 GB of
    /// values, which a 24 GB machine creates, edits and serves.
    public var maxParametersPerModel: Int = 1_000_000_000
    /// Most models one server holds.
    public var maxModels: Int = 1000
    /// When the file store rewrites a model's checkpoint (and cuts its log).
    public var checkpointPolicy = CheckpointPolicy()
    /// Event-loop threads for the HTTP server; nil means one per core.
    public var threads: Int?
    /// Origins (`https://host:port`) whose browser pages may call the API: they get CORS
    /// preflight answers and `Access-Control-Allow-Origin`. Empty: no CORS headers at all.
    public var corsOrigins: [String] = []
    /// How often an event stream sends a heartbeat comment, so proxies keep it open.
    public var eventHeartbeat: Duration = .seconds(15)

    public init() {}

    /// The NeuralNet limits these settings imply.
    public var modelLimits: ModelLimits {
        var limits = ModelLimits()
        limits.maxParameters = maxParametersPerModel
        return limits
    }

    /// Whether TLS is on; the executable refuses a certificate without its key and vice versa.
    public var usesTLS: Bool { tlsCertificatePath != nil && tlsKeyPath != nil }
}
