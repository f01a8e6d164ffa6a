/// The data directory: one folder per model, each write durable before it returns. The layout,
/// the durability protocol and the crash analysis are in `Service.docc/Storage.md`.
///
/// ```
/// <root>/
///   .lock                         held (flock) while a server uses the directory
///   models/<name>/model.safetensors
///   models/<name>/.tmp-…          only while a write is in flight (or after a crash during one)
///   trash/<name>.<random>/        only while a delete is in flight (or after a crash during one)
/// ```
///
/// Every call blocks on disk I/O: from async code use ``ModelFileStore``, which runs them on
/// threads of its own. Names are checked against the model-name rule before any path is built,
/// so `..`, `a/b` or a NUL byte never reach the file system. Writes to one model must be
/// serialized by the caller (the service's per-model write lock); writes to different models
/// may run in parallel.
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
        } catch {
            SystemCalls.close(descriptor)
            throw error
        }
    }

    deinit {
        SystemCalls.close(lockDescriptor)  // releases the flock
    }

    /// Durably stores `model`, replacing any earlier state of it as one atomic step.
    ///
    /// When this returns, the model survives a crash or power cut; when it throws, the earlier
    /// state is still stored, whole.
    public func save(_ model: PersistedModel) throws(StorageError) {
        try Self.validate(model.name)
        try DurableFile.makeDirectory(model.name, in: modelsPath)
        try DurableFile.write(to: PersistedModel.fileName, in: modelsPath + "/" + model.name, contents: model.writeFile)
    }

    /// Reads and verifies one stored model.
    ///
    /// - Throws: `.modelNotFound`, or `.damagedModel` naming what is wrong with it.
    public func load(_ name: String) throws(StorageError) -> PersistedModel {
        try Self.validate(name)
        let folder = modelsPath + "/" + name
        guard SystemCalls.isDirectory(folder) else { throw .modelNotFound(name) }
        let bytes: [UInt8]
        do throws(StorageError) {
            bytes = try SystemCalls.readAll(folder + "/" + PersistedModel.fileName)
        } catch .fileNotFound {
            throw .damagedModel(name, .missingFile)
        } catch {
            throw .damagedModel(name, .unreadable(error))
        }
        do throws(StorageDamage) {
            return try PersistedModel(file: bytes, name: name)
        } catch {
            throw .damagedModel(name, error)
        }
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
        try SystemCalls.syncDirectory(modelsPath)
        try SystemCalls.syncDirectory(trashPath)
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
