/// Writes that survive a crash or a power cut at any instant: after ``write(_:to:)`` returns,
/// the new bytes are on the device under the target name; if it throws or the machine stops
/// midway, the target still holds its old bytes, whole.
///
/// The sequence (the one SQLite and PostgreSQL rely on): write a temporary file in the
/// target's own directory (rename is only atomic within one file system); fsync it, so its
/// data is on the device before its name is; rename it over the target, which POSIX makes
/// atomic; fsync the directory, so the rename itself is on the device. Foundation's `.atomic`
/// option stops before the last step, which a power cut can undo.
///
/// Temporary files are named `.tmp-…`; one left by a crash was never renamed, so it never
/// held an acknowledged write, and recovery may delete it (``isTemporaryName(_:)``).
enum DurableFile {
    static let temporaryPrefix = ".tmp-"

    /// Whether a directory entry is a temporary file of an unfinished write.
    static func isTemporaryName(_ name: String) -> Bool { name.hasPrefix(temporaryPrefix) }

    /// Atomically and durably replaces (or creates) `path` in `directory` with `bytes`.
    /// - Parameter syncingDirectory: false when the caller fsyncs the directory itself, after
    ///   more changes to it (the write is durable only then).
    static func write(_ bytes: [UInt8], to name: String, in directory: String, syncingDirectory: Bool = true) throws(StorageError) {
        try write(to: name, in: directory, syncingDirectory: syncingDirectory) { (descriptor, path) throws(StorageError) in
            try SystemCalls.writeAll(descriptor, bytes, path: path)
        }
    }

    /// A fresh temporary path for a new version of `name` in `directory`.
    static func temporaryPath(for name: String, in directory: String) -> String {
        directory + "/" + temporaryPrefix + name + "-"
            + String(SystemCalls.processID) + "-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }

    /// Atomically and durably replaces (or creates) `path` in `directory` with what `contents`
    /// writes into the new, empty file it is given (its descriptor and path): in order or at
    /// offsets, from one thread or several, but done when it returns.
    static func write(
        to name: String, in directory: String, syncingDirectory: Bool = true,
        contents: (_ descriptor: Int32, _ path: String) throws(StorageError) -> Void
    ) throws(StorageError) {
        let temporary = temporaryPath(for: name, in: directory)
        let descriptor = try SystemCalls.createExclusive(temporary)
        do throws(StorageError) {
            try contents(descriptor, temporary)
            try SystemCalls.sync(descriptor, path: temporary)
            StorageCrashPoint.reach(.temporarySynced)
        } catch {
            SystemCalls.close(descriptor)
            try? SystemCalls.removeFile(temporary)
            throw error
        }
        SystemCalls.close(descriptor)
        do throws(StorageError) {
            try SystemCalls.rename(temporary, to: directory + "/" + name)
        } catch {
            try? SystemCalls.removeFile(temporary)
            throw error
        }
        StorageCrashPoint.reach(.renamed)
        if syncingDirectory { try SystemCalls.syncDirectory(directory) }
    }

    /// Creates `directory` inside `parent` if missing, durably (the parent is fsynced).
    static func makeDirectory(_ name: String, in parent: String) throws(StorageError) {
        if try SystemCalls.makeDirectory(parent + "/" + name) {
            try SystemCalls.syncDirectory(parent)
        }
    }
}
