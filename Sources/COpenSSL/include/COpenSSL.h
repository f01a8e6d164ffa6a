#ifndef COPENSSL_H
#define COPENSSL_H

#include <openssl/ssl.h>
#include <openssl/err.h>

/// The following OpenSSL 3 calls are C macros over SSL_CTX_ctrl, which Swift cannot call.

static inline int copenssl_ctx_set_min_tls12(SSL_CTX *context) {
    return (int)SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
}

/// Partial writes let a non-blocking SSL_write report progress like write(2);
/// a moving buffer lets a retry pass the same bytes from a different address.
static inline long copenssl_ctx_set_nonblocking_modes(SSL_CTX *context) {
    return SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
}

static inline uint64_t copenssl_ctx_set_server_options(SSL_CTX *context) {
    return SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
}

/// The key-exchange groups offered, as an OpenSSL list (`X25519:P-256:P-384`).
static inline int copenssl_ctx_set_groups(SSL_CTX *context, const char *groups) {
    return (int)SSL_CTX_set1_groups_list(context, groups);
}

static inline int copenssl_get_version_number(const SSL *connection) {
    return SSL_version(connection);
}

#endif
