import Foundation

/// `Tests/Shims/fail_sync.c` built once into a shared library for `LD_PRELOAD`: while its
/// control file exists, the server's fsync and fdatasync fail (EIO, or ENOSPC if the file says
/// so), as on a failing or full disk.
struct FaultShim {
    /// The built library.
    static let library: Result<URL, any Error> = Result {
        let source = ServerProcess.packageRoot.appendingPathComponent("Tests/Shims/fail_sync.c")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("paramd-fail-sync-\(UUID().uuidString).so")
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compiler.arguments = ["cc", "-shared", "-fPIC", "-O1", "-o", output.path, source.path]
        try compiler.run()
        compiler.waitUntilExit()
        guard compiler.terminationStatus == 0 else { throw BuildFailed() }
        return output
    }

    struct BuildFailed: Error {}

    let controlFile: URL

    init() {
        controlFile = FileManager.default.temporaryDirectory.appendingPathComponent("paramd-fault-\(UUID().uuidString)")
    }

    /// The environment that loads the shim into a server.
    func environment() throws -> [String: String] {
        ["LD_PRELOAD": try Self.library.get().path, "PARAMD_FAULT_FILE": controlFile.path]
    }

    /// Makes every later fsync fail with `errno` ("EIO" or "ENOSPC").
    func failSyncs(with errno: String = "EIO") throws { try Data(errno.utf8).write(to: controlFile) }

    /// Lets fsync work again.
    func heal() { try? FileManager.default.removeItem(at: controlFile) }
}
