/// What loading the whole data directory found.
public struct DataDirectoryInventory: Sendable {
    /// Every model that loaded and verified, sorted by name.
    public var models: [PersistedModel] = []
    /// Models whose folder exists but cannot be trusted, with the reason; their files are left
    /// untouched for an operator to inspect or remove.
    public var damaged: [(name: String, damage: StorageDamage)] = []
    /// Leftovers of writes and deletes a crash interrupted, which were removed: temporary files,
    /// folders of creates that never completed, trash. None held an acknowledged write.
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
        var inventory = DataDirectoryInventory()
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
                recordLoad(entry, into: &inventory)
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
            if remaining.isEmpty, (try? SystemCalls.removeTree(folder)) != nil {
                inventory.removedLeftovers.append(folder)
                continue
            }
            recordLoad(entry, into: &inventory)
        }
        if !inventory.removedLeftovers.isEmpty {
            try? SystemCalls.syncDirectory(modelsPath)
        }
        return inventory
    }

    /// Loads one model into the inventory, or records why it cannot be.
    private func recordLoad(_ name: String, into inventory: inout DataDirectoryInventory) {
        do throws(StorageError) {
            inventory.models.append(try load(name))
        } catch .damagedModel(let name, let damage) {
            inventory.damaged.append((name, damage))
        } catch {
            inventory.damaged.append((name, .unreadable(error)))
        }
    }
}
