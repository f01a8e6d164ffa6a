import ArgumentParser
import Dispatch
import FoundationEssentials
import Glibc
import Logging
import Service

/// The `paramd` executable: reads flags and `PARAMD_*` variables, sets up logging, serves
/// until SIGTERM or SIGINT, then shuts down gracefully and exits 0.
///
/// The command is synchronous on purpose: an async main hands the main thread to dispatch
/// (`dispatch_main`, which ends it with `pthread_exit`), and valgrind 3.19 then crashes on the
/// next thread the process creates. Serving needs nothing from the main thread, so it waits on a
/// semaphore while the event loops and the task pool run, and `valgrind --tool=callgrind` can
/// count the instructions of a real request (`bench/http/instructions.sh`).
@main
struct Paramd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paramd",
        abstract: "An HTTP service for the parameters of neural networks.",
        discussion: """
            Every option can also be set by an environment variable (named after each option \
            below); a flag given on the command line wins over the variable. Models live in \
            the data directory, one folder each, and are loaded again on the next start.
            """)

    @Option(help: "Address to listen on. (env PARAMD_HOST; default 127.0.0.1)")
    var host: String?

    @Option(help: "TCP port; 0 picks a free one. (env PARAMD_PORT; default 8080)")
    var port: Int?

    @Option(
        name: .customLong("data-dir"),
        help: "Folder for the models, created when missing. (env PARAMD_DATA_DIR; default ./paramd-data)")
    var dataDirectory: String?

    @Option(
        help: """
            Where the models live: a directory or a file: URL (the default, as --data-dir), or a \
            postgresql:// URL (libpq's rules) shared by any number of replicas. Wins over \
            --data-dir. The password comes from PGPASSWORD or --store-password-file, never \
            from a log. (env PARAMD_STORE)
            """)
    var store: String?

    @Option(
        name: .customLong("store-password-file"),
        help: "File whose first line is the PostgreSQL password for --store. (env PARAMD_STORE_PASSWORD_FILE)")
    var storePasswordFile: String?

    @Option(
        name: .customLong("tls-cert"),
        help: "PEM certificate chain; with --tls-key, serve HTTPS only. (env PARAMD_TLS_CERT)")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert. (env PARAMD_TLS_KEY)")
    var tlsKey: String?

    @Option(
        help: """
            Bearer token every /v1 and /v2 route then requires, granting every scope; health, \
            readiness and metrics stay open. Prefer --token-file: a flag is visible to other users \
            in the process list. (env PARAMD_TOKEN)
            """)
    var token: String?

    @Option(
        name: .customLong("token-file"),
        help: "File whose first line is the bearer token. (env PARAMD_TOKEN_FILE)")
    var tokenFile: String?

    @Option(
        name: .customLong("tokens-file"),
        help: """
            File of scoped tokens, one per line: `sha256:<hex> read,infer` or `<token> write`; \
            scopes read, infer, write, admin. Reloaded on SIGHUP (a bad file then keeps the \
            old tokens). Combines with --token, which grants every scope. (env PARAMD_TOKENS_FILE)
            """)
    var tokensFile: String?

    @Option(
        name: .customLong("max-body-bytes"),
        help: "Largest request body in bytes; larger is 413. (env PARAMD_MAX_BODY_BYTES; default 268435456)")
    var maxBodyBytes: Int?

    @Option(
        name: .customLong("max-parameters"),
        help: "Largest model in parameters, checked before allocating. (env PARAMD_MAX_PARAMETERS; default 1000000000)")
    var maxParameters: Int?

    @Option(
        name: .customLong("max-models"),
        help: "Most models this server holds. (env PARAMD_MAX_MODELS; default 1000)")
    var maxModels: Int?

    @Option(
        name: .customLong("checkpoint-log-percent"),
        help: """
            Rewrite a model's checkpoint once its commit log exceeds this percentage of the \
            model's size (and --checkpoint-min-log-bytes). (env PARAMD_CHECKPOINT_LOG_PERCENT; default 50)
            """)
    var checkpointLogPercent: Int?

    @Option(
        name: .customLong("checkpoint-min-log-bytes"),
        help: "No checkpoint before a model's log holds this many bytes. (env PARAMD_CHECKPOINT_MIN_LOG_BYTES; default 1048576)")
    var checkpointMinLogBytes: Int?

    @Option(help: "HTTP event-loop threads. (env PARAMD_THREADS; default one per core)")
    var threads: Int?

    @Option(
        name: .customLong("cors-origins"),
        help: """
            Comma-separated origins (http://host:port) whose browser pages may call the API; \
            others get no CORS headers. (env PARAMD_CORS_ORIGINS; default none)
            """)
    var corsOrigins: String?

    @Option(
        name: .customLong("log-level"),
        help: "trace, debug, info, notice, warning, error or critical. (env PARAMD_LOG_LEVEL; default info)")
    var logLevel: String?

    @Option(
        name: .customLong("access-log"),
        help: """
            Where the one line per request goes: stderr, off, or a file path (appended to). \
            Written by a thread of its own; lines are dropped (and counted in /metrics) rather \
            than slow requests down. (env PARAMD_ACCESS_LOG; default stderr)
            """)
    var accessLog: String?

    func run() throws {
        MemoryPolicy.apply()
        let settings = try Settings(command: self, environment: ProcessInfo.processInfo.environment)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = settings.logLevel
            return handler
        }
        let logger = Logger(label: "paramd")
        let store: any ModelStore
        switch settings.store {
        case .directory(let path):
            do {
                // The store creates the directory and any missing parents, each made durable by an
                // fsync of its parent: one created here first would be found existing and never synced.
                store = try FileModelStore(root: path, checkpointPolicy: settings.service.checkpointPolicy)
            } catch {
                logger.critical("cannot open the data directory", metadata: ["path": "\(path)", "error": "\(error)"])
                throw ExitCode.failure
            }
        case .postgres(let url, let password):
            // Connects on first use; until PostgreSQL answers, /readyz says not ready and start-up retries.
            store = PostgresModelStore(url: url, password: password)
        }
        let accessLog: AccessLog?
        do {
            switch settings.accessLog {
            case .standardError: accessLog = AccessLog.standardError()
            case .off: accessLog = nil
            case .file(let path): accessLog = try AccessLog.file(path)
            }
        } catch {
            logger.critical("cannot open the access log", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
        // StoreLocation's description leaves the password out.
        logger.info("model store", metadata: ["store": "\(settings.store)"])
        let server = ParamdServer(configuration: settings.service, store: store, logger: logger, accessLog: accessLog)
        // Handlers first: a signal that arrives while starting still shuts down gracefully.
        let signals = ShutdownSignals(signals: [SIGTERM, SIGINT]) { signal in
            logger.info("received signal", metadata: ["signal": "\(signal == SIGTERM ? "SIGTERM" : "SIGINT")"])
            Task { await server.shutdown(gracePeriod: .seconds(10)) }
        }
        let reload = settings.tokensFile.map { path in
            ReloadSignal(signal: SIGHUP) {
                do {
                    let tokens = try TokenFile.load(path: path)
                    server.service.replaceFileTokens(tokens)
                    logger.info("tokens file reloaded", metadata: ["path": "\(path)", "tokens": "\(tokens.tokens.count)"])
                } catch {
                    logger.error(
                        "tokens file not reloaded; the previous tokens stay in force", metadata: ["path": "\(path)", "error": "\(error)"])
                }
            }
        }
        do {
            try server.start()
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
        try Self.wait { try await server.waitUntilStopped() }
        signals.cancel()
        reload?.cancel()
    }

    /// Runs `work` on the task pool and blocks the calling thread until it returns.
    private static func wait(for work: @escaping @Sendable () async throws -> Void) throws {
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        Task {
            do { try await work() } catch { outcome.error = error }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }

    /// The error `work` threw, written before the semaphore is signalled and read after the wait
    /// returns: the semaphore orders the two, so no lock is needed.
    private final class Outcome: @unchecked Sendable {
        var error: (any Error)?
    }
}
