import COpenSSL

/// An OpenSSL server context: certificate, key, TLS 1.2+ and the cipher policy. Immutable once
/// made, and OpenSSL allows creating sessions from one context on many threads.
final class TLSContext: @unchecked Sendable {
    let context: OpaquePointer

    init(_ configuration: TLSConfiguration) throws(HTTPServerError) {
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw .tlsConfigurationFailed("SSL_CTX_new: \(Self.lastError())")
        }
        self.context = context
        guard copenssl_ctx_set_min_tls12(context) == 1 else {
            throw .tlsConfigurationFailed("minimum protocol: \(Self.lastError())")
        }
        _ = copenssl_ctx_set_nonblocking_modes(context)
        _ = copenssl_ctx_set_server_options(context)
        guard SSL_CTX_set_cipher_list(context, configuration.tls12Ciphers) == 1 else {
            throw .tlsConfigurationFailed("cipher list \(configuration.tls12Ciphers): \(Self.lastError())")
        }
        guard copenssl_ctx_set_groups(context, configuration.groups) == 1 else {
            throw .tlsConfigurationFailed("groups \(configuration.groups): \(Self.lastError())")
        }
        guard SSL_CTX_use_certificate_chain_file(context, configuration.certificateChainPath) == 1 else {
            throw .tlsConfigurationFailed("certificate \(configuration.certificateChainPath): \(Self.lastError())")
        }
        guard SSL_CTX_use_PrivateKey_file(context, configuration.privateKeyPath, SSL_FILETYPE_PEM) == 1 else {
            throw .tlsConfigurationFailed("private key \(configuration.privateKeyPath): \(Self.lastError())")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw .tlsConfigurationFailed("the private key does not match the certificate")
        }
    }

    deinit { SSL_CTX_free(context) }

    /// The oldest queued OpenSSL error as text, clearing the queue.
    static func lastError() -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        if code == 0 { return "unknown error" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// One TLS connection over a non-blocking socket. Loop-thread only.
final class TLSSession {
    enum Progress {
        case done
        case wantRead
        case wantWrite
        case failed
    }

    private let ssl: OpaquePointer
    /// SSL_write must be retried with the same bytes after WANT_WRITE; remembers how many.
    private(set) var pendingWriteLength = 0

    init?(context: TLSContext, fd: Int32) {
        guard let ssl = SSL_new(context.context) else { return nil }
        self.ssl = ssl
        SSL_set_fd(ssl, fd)
        SSL_set_accept_state(ssl)
    }

    deinit { SSL_free(ssl) }

    func handshake() -> Progress {
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        return result == 1 ? .done : progress(result)
    }

    /// Returns bytes read, 0 at a clean or unclean end, nil when it needs the socket readable
    /// (or, rarely, writable: then `wantsWrite` is set), -1 on error.
    func read(into buffer: UnsafeMutableRawBufferPointer, wantsWrite: inout Bool) -> Int? {
        ERR_clear_error()
        let count = SSL_read(ssl, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
        if count > 0 { return Int(count) }
        switch progress(count) {
        case .wantRead: return nil
        case .wantWrite:
            wantsWrite = true
            return nil
        case .done: return 0
        case .failed: return SSL_get_error(ssl, count) == SSL_ERROR_ZERO_RETURN ? 0 : -1
        }
    }

    /// Returns bytes written, nil when blocked, -1 on error.
    func write(_ bytes: UnsafeRawBufferPointer) -> Int? {
        if bytes.isEmpty { return 0 }
        ERR_clear_error()
        let count = SSL_write(ssl, bytes.baseAddress, Int32(min(bytes.count, 1 << 20)))
        if count > 0 { return Int(count) }
        switch progress(count) {
        case .wantRead, .wantWrite: return nil
        default: return -1
        }
    }

    /// Sends close_notify once, without waiting for the peer's.
    func shutdown() {
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
    }

    /// The negotiated protocol version, e.g. `TLS1_3_VERSION`.
    var protocolVersion: Int32 { copenssl_get_version_number(ssl) }

    private func progress(_ result: Int32) -> Progress {
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ: .wantRead
        case SSL_ERROR_WANT_WRITE: .wantWrite
        default: .failed
        }
    }
}
