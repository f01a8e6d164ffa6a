import CSystem

/// How the process asks the C allocator to treat large blocks, applied once at start.
///
/// glibc serves blocks of 128 KiB and more with their own `mmap`, returned to the kernel when
/// freed, but by default it raises that threshold to the size of each such block freed (up to
/// 32 MiB): after the first JSON chunk or request body of a few hundred KiB is freed, later
/// ones come from its heaps, whose freed memory stays resident. Under a mix of streams, bodies
/// and edits of a 128 MB model that kept 6–7 MB more than the requests in flight
/// (`bench/storage`, section 3: 229–231 MB peak against 223–224 MB with the threshold fixed).
/// Fixing it keeps large temporaries out of the heaps; the price is an `mmap`/`munmap` pair per
/// large block, small beside filling a few hundred KiB.
public enum MemoryPolicy {
    /// Blocks this large or larger are mapped on their own and unmapped when freed (glibc's
    /// initial threshold, made fixed).
    public static let largeBlockBytes: Int32 = 128 * 1024

    /// Applies the policy; a no-op where the C library has no such setting.
    public static func apply() {
        _ = csystem_fix_mmap_threshold(largeBlockBytes)
    }
}
