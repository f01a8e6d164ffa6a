/// What loading the whole data directory found.
public struct DataDirectoryInventory: Sendable {
    /// Every model that loaded and verified, sorted by name.
    public var models: [PersistedModel] = []
    /// Models whose folder exists but cannot be trusted, with the reason; their files are left
    /// untouched for an operator to inspect or remove.
    public var damaged: [(name: String, damage: StorageDamage)] = []
    /// Leftovers of writes and deletes a crash interrupted, which were removed: temporary files,
    /// folders of creates that never completed (no checkpoint, an empty log at most), trash.
    /// None held an acknowledged write.
    public var removedLeftovers: [String] = []
    /// Entries of `models/` that are not model folders (invalid names, plain files); ignored.
    public var ignoredEntries: [String] = []
}

extension DataDirectory {
    /// Loads every stored model, finishing what crashes interrupted; never throws for one bad
    /// model, so a damaged file cannot stop a server from starting.
    ///
    /// Why removing leftovers is safe: a temporary file was never renamed into place, so no
    /// write it carried was acknowledged; a folder without a model file is a create that never
    /// completed its rename; a trash entry is a delete already made durable by its rename.
    ///
    /// - Throws: only when the directory itself cannot be listed.
    public func loadAll() throws(StorageError) -> DataDirectoryInventory {
        let (inventory, logs) = try openAll()
        for log in logs.values { log.close() }
        return inventory
    }

    /// ``loadAll()``, keeping each loaded model's log open for appends.
    func openAll() throws(StorageError) -> (inventory: DataDirectoryInventory, logs: [String: CommitLog]) {
        var inventory = DataDirectoryInventory()
        var logs: [String: CommitLog] = [:]
        for entry in try SystemCalls.listDirectory(trashPath) {
            let path = trashPath + "/" + entry
            if (try? SystemCalls.removeTree(path)) != nil { inventory.removedLeftovers.append(path) }
        }
        for entry in try SystemCalls.listDirectory(modelsPath) {
            let folder = modelsPath + "/" + entry
            guard Self.isValidName(entry), SystemCalls.isDirectory(folder) else {
                inventory.ignoredEntries.append(folder)
                continue
            }
            guard let files = try? SystemCalls.listDirectory(folder) else {
                // Unlistable: never guess it empty (that would remove it); loading reports why.
                recordOpen(entry, into: &inventory, logs: &logs)
                continue
            }
            var remaining: [String] = []
            for file in files {
                let path = folder + "/" + file
                if DurableFile.isTemporaryName(file), (try? SystemCalls.removeFile(path)) != nil {
                    inventory.removedLeftovers.append(path)
                } else {
                    remaining.append(file)
                }
            }
            if isUnfinishedCreate(folder, files: remaining), (try? SystemCalls.removeTree(folder)) != nil {
                inventory.removedLeftovers.append(folder)
                continue
            }
            recordOpen(entry, into: &inventory, logs: &logs)
        }
        if !inventory.removedLeftovers.isEmpty {
            try? SystemCalls.syncDirectory(modelsPath)
        }
        return (inventory, logs)
    }

    /// A folder with no checkpoint and at most a log without records: a create stops there
    /// only when a crash cut it short, before its checkpoint's rename, so before it was
    /// acknowledged.
    private func isUnfinishedCreate(_ folder: String, files: [String]) -> Bool {
        guard !files.contains(PersistedModel.fileName), !files.contains(PersistedModel.formatOneFileName) else { return false }
        if files.isEmpty { return true }
        guard files == [CommitLog.fileName], let log = try? SystemCalls.readAll(folder + "/" + CommitLog.fileName) else { return false }
        return log.count <= CommitLog.headerSize
    }

    /// Opens one model into the inventory, or records why it cannot be.
    private func recordOpen(_ name: String, into inventory: inout DataDirectoryInventory, logs: inout [String: CommitLog]) {
        do throws(StorageError) {
            let (model, log) = try open(name)
            inventory.models.append(model)
            logs[name] = log
        } catch .damagedModel(let name, let damage) {
            inventory.damaged.append((name, damage))
        } catch {
            inventory.damaged.append((name, .unreadable(error)))
        }
    }
}
