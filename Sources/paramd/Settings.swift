import ArgumentParser
import FoundationEssentials
import Logging
import Service

/// The command line merged with the environment: flag, else `PARAMD_*` variable, else default.
struct Settings {
    var service = ServiceConfiguration()
    var logLevel: Logger.Level = .info
    /// The tokens file, which SIGHUP reads again.
    var tokensFile: String?
    /// `--store`, else the data directory.
    var store: StoreLocation
    var accessLog = AccessLogSetting.standardError

    /// `--access-log`: where the per-request lines go.
    enum AccessLogSetting: Equatable {
        case standardError
        case off
        case file(String)
    }

    init(command: Paramd, environment: [String: String]) throws {
        func text(_ flag: String?, _ variable: String) -> String? {
            if let flag { return flag }
            if let value = environment[variable], !value.isEmpty { return value }
            return nil
        }
        func number(_ flag: Int?, _ variable: String, minimum: Int) throws -> Int? {
            if let flag {
                guard flag >= minimum else { throw ValidationError("\(variable.optionName) must be at least \(minimum), got \(flag)") }
                return flag
            }
            guard let raw = environment[variable], !raw.isEmpty else { return nil }
            guard let value = Int(raw), value >= minimum else {
                throw ValidationError("\(variable) must be an integer of at least \(minimum), got \"\(raw)\"")
            }
            return value
        }

        service.host = text(command.host, "PARAMD_HOST") ?? service.host
        if let port = try number(command.port, "PARAMD_PORT", minimum: 0) {
            guard port <= 65535 else { throw ValidationError("port must be at most 65535, got \(port)") }
            service.port = port
        }
        service.dataDirectory = text(command.dataDirectory, "PARAMD_DATA_DIR") ?? service.dataDirectory
        let storePassword = try text(command.storePasswordFile, "PARAMD_STORE_PASSWORD_FILE").map {
            try Self.firstLine(of: $0, what: "store password file")
        }
        do {
            store = try StoreLocation.parse(
                text(command.store, "PARAMD_STORE") ?? service.dataDirectory, password: storePassword)
        } catch {
            throw ValidationError(error.description)
        }
        if case .directory(let path) = store { service.dataDirectory = path }
        service.tlsCertificatePath = text(command.tlsCertificate, "PARAMD_TLS_CERT")
        service.tlsKeyPath = text(command.tlsKey, "PARAMD_TLS_KEY")
        if (service.tlsCertificatePath == nil) != (service.tlsKeyPath == nil) {
            throw ValidationError("--tls-cert and --tls-key go together: give both or neither")
        }
        service.token = try Self.token(
            inline: text(command.token, "PARAMD_TOKEN"), file: text(command.tokenFile, "PARAMD_TOKEN_FILE"))
        tokensFile = text(command.tokensFile, "PARAMD_TOKENS_FILE")
        if let tokensFile {
            do {
                service.fileTokens = try TokenFile.load(path: tokensFile)
            } catch {
                throw ValidationError("the tokens file \(tokensFile) is invalid: \(error)")
            }
        }
        service.maxBodyBytes = try number(command.maxBodyBytes, "PARAMD_MAX_BODY_BYTES", minimum: 1) ?? service.maxBodyBytes
        service.maxParametersPerModel =
            try number(command.maxParameters, "PARAMD_MAX_PARAMETERS", minimum: 1) ?? service.maxParametersPerModel
        service.maxModels = try number(command.maxModels, "PARAMD_MAX_MODELS", minimum: 1) ?? service.maxModels
        service.threads = try number(command.threads, "PARAMD_THREADS", minimum: 1)
        if let percent = try number(command.checkpointLogPercent, "PARAMD_CHECKPOINT_LOG_PERCENT", minimum: 0) {
            service.checkpointPolicy.fraction = Double(percent) / 100
        }
        service.checkpointPolicy.minimumLogBytes =
            try number(command.checkpointMinLogBytes, "PARAMD_CHECKPOINT_MIN_LOG_BYTES", minimum: 0)
            ?? service.checkpointPolicy.minimumLogBytes
        if let origins = text(command.corsOrigins, "PARAMD_CORS_ORIGINS") {
            service.corsOrigins = try Self.origins(origins)
        }
        if let level = text(command.logLevel, "PARAMD_LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ValidationError("unknown log level \"\(level)\"; use trace, debug, info, notice, warning, error or critical")
            }
            logLevel = parsed
        }
        if let destination = text(command.accessLog, "PARAMD_ACCESS_LOG") {
            accessLog =
                switch destination {
                case "stderr": .standardError
                case "off": .off
                default: .file(destination)
                }
        }
    }

    /// The token from the flag/variable or from the first line of a file; both is ambiguous.
    private static func token(inline: String?, file: String?) throws -> String? {
        switch (inline, file) {
        case (nil, nil):
            return nil
        case (.some, .some):
            throw ValidationError("give the token once: --token or --token-file, not both")
        case (let token?, nil):
            return try checked(token)
        case (nil, let path?):
            return try checked(firstLine(of: path, what: "token file"))
        }
    }

    /// The first line of a secret's file, without surrounding blanks.
    private static func firstLine(of path: String, what: String) throws -> String {
        guard let contents = FileManager.default.contents(atPath: path), let text = String(data: contents, encoding: .utf8) else {
            throw ValidationError("cannot read the \(what) \(path)")
        }
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.trimmingHorizontalWhitespace()
    }

    /// `--cors-origins`: each an origin as browsers send it, `scheme://host[:port]`, no path.
    private static func origins(_ list: String) throws -> [String] {
        try list.split(separator: ",").map { item in
            let origin = item.trimmingHorizontalWhitespace()
            let parts = origin.split(separator: "://", maxSplits: 1)
            guard parts.count == 2, ["http", "https"].contains(parts[0]), !parts[1].isEmpty,
                !parts[1].contains("/"), origin.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
            else {
                throw ValidationError(
                    "--cors-origins takes origins such as http://localhost:3000 (scheme, host, optional port; no path), got \"\(origin)\"")
            }
            return origin
        }
    }

    /// A token must be usable in an `Authorization` header: visible ASCII, no spaces.
    private static func checked(_ token: String) throws -> String {
        guard !token.isEmpty, token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw ValidationError("the token must be non-empty visible ASCII without spaces")
        }
        return token
    }
}

extension String {
    /// `PARAMD_MAX_BODY_BYTES` → `--max-body-bytes`, for messages about flags.
    fileprivate var optionName: String {
        "--" + String(dropFirst("PARAMD_".count).lowercased().map { $0 == "_" ? "-" : $0 })
    }
}
