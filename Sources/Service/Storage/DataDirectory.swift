/// The data directory: one folder per model, holding a checkpoint and the log of commits
/// since. The layout, the durability protocol and the crash analysis are in
/// `Service.docc/Storage.md`.
///
/// ```
/// <root>/
///   .lock                              held (flock) while a server uses the directory
///   FORMAT                             "paramd data directory format 2"
///   models/<name>/checkpoint.safetensors
///   models/<name>/log                  commits since the checkpoint (``CommitLog``)
///   models/<name>/.tmp-…               only while a write is in flight (or after a crash during one)
///   trash/<name>.<random>/             only while a delete is in flight (or after a crash during one)
/// ```
///
/// Every call blocks on disk I/O: ``FileModelStore`` runs them on threads of its own. Names are
/// checked against the model-name rule before any path is built, so `..`, `a/b` or a NUL byte
/// never reach the file system. Writes to one model must be serialized by the caller (its
/// ``ModelFiles`` queue); writes to different models may run in parallel.
public final class DataDirectory: Sendable {
    /// The directory's path as given.
    public let root: String
    private let lockDescriptor: Int32

    var modelsPath: String { root + "/models" }
    var trashPath: String { root + "/trash" }

    /// Opens (creating if needed) the data directory at `root` and takes its lock.
    ///
    /// - Throws: `.directoryInUse` when another server holds it; a file-system error otherwise.
    public init(root: String) throws(StorageError) {
        self.root = root
        try Self.makeDirectoryWithParents(root)
        guard let descriptor = try SystemCalls.lockExclusively(root + "/.lock") else {
            throw .directoryInUse(path: root)
        }
        lockDescriptor = descriptor
        do throws(StorageError) {
            try DurableFile.makeDirectory("models", in: root)
            try DurableFile.makeDirectory("trash", in: root)
            try checkFormat()
        } catch {
            SystemCalls.close(descriptor)
            throw error
        }
    }

    deinit {
        SystemCalls.close(lockDescriptor)  // releases the flock
    }

    /// Durably stores a new model: its folder, an empty log, then its checkpoint (whose
    /// rename, fsynced with the folder, is the instant the model exists). A folder left without
    /// a checkpoint by a crash is an unfinished create, removed on the next start.
    /// - Returns: the new model's open log.
    func create(_ model: PersistedModel) throws(StorageError) -> CommitLog {
        try Self.validate(model.name)
        let folder = modelsPath + "/" + model.name
        guard !SystemCalls.exists(folder + "/" + PersistedModel.fileName) else {
            throw .ioFailure(operation: "create", path: folder, errno: 17)  // EEXIST: the caller checks names first
        }
        // A folder without a checkpoint is what a failed create leaves when it cannot clean up.
        if SystemCalls.exists(folder) { try SystemCalls.removeTree(folder) }
        try DurableFile.makeDirectory(model.name, in: modelsPath)
        var log: CommitLog?
        do throws(StorageError) {
            log = try CommitLog.create(in: folder)
            try writeCheckpoint(model)
            return log!
        } catch {
            log?.close()
            try? SystemCalls.removeTree(folder)
            throw error
        }
    }

    /// Durably replaces the checkpoint of `model` (temporary file, fsync, rename, folder
    /// fsync), written from the model's own storage (``PersistedModel/writeFile(into:path:)``).
    public func writeCheckpoint(_ model: PersistedModel) throws(StorageError) {
        try Self.validate(model.name)
        try DurableFile.write(to: PersistedModel.fileName, in: modelsPath + "/" + model.name) {
            (descriptor, path) throws(StorageError) in try model.writeFile(into: descriptor, path: path)
        }
    }

    /// Reads one stored model: its checkpoint, then its log replayed on top (a torn tail is
    /// truncated away). A folder converted from format 1 gets its empty log here.
    /// - Returns: the model and its open log, positioned after the last good record.
    /// - Throws: `.modelNotFound`, or `.damagedModel` naming what is wrong with it.
    func open(_ name: String) throws(StorageError) -> (model: PersistedModel, log: CommitLog) {
        try Self.validate(name)
        let folder = modelsPath + "/" + name
        guard SystemCalls.isDirectory(folder) else { throw .modelNotFound(name) }
        var model: PersistedModel
        do throws(StorageError) {
            model = try PersistedModel.read(checkpointAt: folder + "/" + PersistedModel.fileName, name: name)
        } catch .fileNotFound {
            throw .damagedModel(name, .missingFile)
        } catch .damagedModel(let name, let damage) {
            throw .damagedModel(name, damage)
        } catch {
            throw .damagedModel(name, .unreadable(error))
        }
        let log: CommitLog
        if SystemCalls.exists(folder + "/" + CommitLog.fileName) {
            log = try CommitLog.open(in: folder, replayingOnto: &model)
        } else {
            log = try CommitLog.create(in: folder)
            try SystemCalls.syncDirectory(folder)
        }
        return (model, log)
    }

    /// Reads and verifies one stored model (checkpoint and log), then closes its log.
    public func load(_ name: String) throws(StorageError) -> PersistedModel {
        let (model, log) = try open(name)
        log.close()
        return model
    }

    /// Durably removes a model: its folder is renamed into `trash/` (one atomic step, then
    /// fsynced), and only then deleted. A crash in between leaves a trash entry that
    /// ``loadAll()`` removes.
    public func delete(_ name: String) throws(StorageError) {
        try Self.validate(name)
        let folder = modelsPath + "/" + name
        guard SystemCalls.isDirectory(folder) else { throw .modelNotFound(name) }
        let discarded = trashPath + "/" + name + "." + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try SystemCalls.rename(folder, to: discarded)
        do throws(StorageError) {
            try SystemCalls.syncDirectory(modelsPath)
            try SystemCalls.syncDirectory(trashPath)
        } catch {
            // Not durable, so not done: put the folder back, as the client will be told.
            try? SystemCalls.rename(discarded, to: folder)
            throw error
        }
        // The delete is durable now; failing to free the space is not the client's problem.
        try? SystemCalls.removeTree(discarded)
    }

    /// The names of the stored models (valid names only), sorted.
    public func names() throws(StorageError) -> [String] {
        try SystemCalls.listDirectory(modelsPath).filter { Self.isValidName($0) && SystemCalls.isDirectory(modelsPath + "/" + $0) }
    }

    /// The model-name rule: 1 to 64 of `[A-Za-z0-9._-]`, not starting with `.`.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, first != UInt8(ascii: "."), bytes.count <= 64 else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }

    /// `mkdir -p`, each new directory made durable in its parent (a data directory created
    /// on first start must not vanish in a power cut after models were acknowledged in it).
    private static func makeDirectoryWithParents(_ path: String) throws(StorageError) {
        do throws(StorageError) {
            guard try SystemCalls.makeDirectory(path) else { return }
        } catch .fileNotFound {
            guard let parent = parentPath(of: path) else { throw .fileNotFound(path: path) }
            try makeDirectoryWithParents(parent)
            try SystemCalls.makeDirectory(path)
        }
        if let parent = parentPath(of: path) {
            try SystemCalls.syncDirectory(parent)
        }
    }

    /// `a/b/c` → `a/b`, `/a` → `/`, `a` → `.`; nil for `/` and `.`.
    private static func parentPath(of path: String) -> String? {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard trimmed != "/" && trimmed != "." && !trimmed.isEmpty else { return nil }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    static func validate(_ name: String) throws(StorageError) {
        guard isValidName(name) else { throw .invalidModelName(name) }
    }
}
