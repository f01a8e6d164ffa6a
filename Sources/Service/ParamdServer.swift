import HTTP
public import Logging

/// The whole server: the service's routes on an ``HTTPServer``, with models loaded from the
/// data directory after the port is open (so /healthz answers at once and /readyz flips to
/// 200 once loading is done).
public final class ParamdServer: Sendable {
    public let service: ParamdService
    private let http: HTTPServer
    private let logger: Logger
    /// Whether start ran and whether a shutdown was asked for (possibly before start).
    private let lifecycle = Locked<(started: Bool, stopRequested: Bool)>((false, false))
    /// Signalled at the very end of ``shutdown(gracePeriod:)``, after its last log line.
    private let finished = Readiness()

    /// Prepares the service over `store` and the HTTP server; nothing listens yet.
    /// - Parameter accessLog: one line per finished request; closed (its lines written) at shutdown.
    public init(configuration: ServiceConfiguration, store: any ModelStore, logger: Logger, accessLog: AccessLog? = nil) {
        service = ParamdService(configuration: configuration, store: store, logger: logger, accessLog: accessLog)
        var http = HTTPServerConfiguration(host: configuration.host, port: configuration.port)
        if let threads = configuration.threads { http.eventLoopCount = threads }
        http.limits.maxBodyBytes = configuration.maxBodyBytes
        http.limits.maxInflatedBodyBytes = configuration.maxBodyBytes
        if let certificate = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
            http.tls = TLSConfiguration(certificateChainPath: certificate, privateKeyPath: key)
        }
        self.http = HTTPServer(configuration: http, responder: service.makeRouter(), hooks: service.makeHooks())
        self.logger = logger
    }

    /// Binds and starts serving; loads the stored models in the background.
    /// - Returns: the bound port.
    @discardableResult
    public func start() throws -> Int {
        let proceed = lifecycle.withLock { state in
            if state.stopRequested { return false }
            state.started = true
            return true
        }
        guard proceed else { throw ServerStopped() }
        let port = try http.start()
        let scheme = service.configuration.usesTLS ? "https" : "http"
        logger.info(
            "listening",
            metadata: [
                "address": "\(scheme)://\(service.configuration.host):\(port)", "port": "\(port)",
                "data_dir": "\(service.configuration.dataDirectory)",
                "auth": "\(service.configuration.token == nil && service.configuration.fileTokens == nil ? "off" : "bearer")"
            ])
        let service = self.service
        Task { await service.loadModels() }
        return port
    }

    /// Stops accepting, finishes in-flight requests (up to `gracePeriod`), then returns.
    public func shutdown(gracePeriod: Duration = .seconds(10)) async {
        let started = lifecycle.withLock { state in
            state.stopRequested = true
            return state.started
        }
        guard started else {
            finished.markReady()
            return
        }
        logger.info("shutting down", metadata: ["grace_period": "\(gracePeriod)"])
        // Event streams never finish on their own: end them, or they would hold the grace period.
        service.endEventStreams()
        await http.shutdown(gracePeriod: gracePeriod)
        service.accessLog?.close()
        logger.info("stopped")
        finished.markReady()
    }

    /// Returns once ``shutdown(gracePeriod:)`` has completed.
    public func waitUntilStopped() async throws {
        if !lifecycle.withLock({ $0.stopRequested && !$0.started }) {
            try await http.run()
        }
        await finished.wait()
    }

    /// Thrown by ``start()`` when a shutdown was requested before the server started.
    public struct ServerStopped: Error {}
}
