#ifndef CZLIB_H
#define CZLIB_H

#include <zlib.h>

/// `deflateInit2` is a macro (it passes the library version and struct size), so Swift cannot call it.
/// windowBits 15 + 16 selects the gzip wrapper.
static inline int czlib_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

/// `inflateInit2` is a macro too; windowBits 15 + 16 accepts only the gzip wrapper.
static inline int czlib_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}

#endif
