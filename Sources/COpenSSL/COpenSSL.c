// The wrappers are static inline in include/COpenSSL.h; this file gives the target a translation unit.
