/// The data directory's format number, in `<root>/FORMAT`.
///
/// Format 1 (no `FORMAT` file): one `model.safetensors` per model folder, rewritten whole on
/// every write. Format 2: `checkpoint.safetensors` (the same file format) and a commit log
/// beside it. A directory of a newer format is refused at start, clearly, never half-read.
extension DataDirectory {
    static let formatVersion = 2
    static let formatFileName = "FORMAT"
    private static let formatPrefix = "paramd data directory format "

    /// Reads the format; converts a format 1 directory (or an empty one) to format 2.
    ///
    /// The conversion renames each `model.safetensors` to `checkpoint.safetensors` (an empty
    /// log is created when the model is first opened), fsyncs each folder, then writes `FORMAT`
    /// durably — last, so a crash midway leaves a format 1 directory that is converted again on
    /// the next start (a folder already renamed is simply skipped). A paramd of format 1 started
    /// on the converted directory finds no `model.safetensors` and reports every model damaged,
    /// instead of reading stale weights and ignoring the log.
    func checkFormat() throws(StorageError) {
        let path = root + "/" + Self.formatFileName
        do throws(StorageError) {
            let text = String(decoding: try SystemCalls.readAll(path), as: UTF8.self)
            guard text.hasPrefix(Self.formatPrefix), text.hasSuffix("\n"),
                let found = Int(text.dropFirst(Self.formatPrefix.count).dropLast())
            else { throw .unreadableFormat(path: path) }
            guard found <= Self.formatVersion else {
                throw .newerFormat(path: root, found: found, supported: Self.formatVersion)
            }
            return
        } catch .fileNotFound {
            try convertFromFormatOne()
        }
    }

    private func convertFromFormatOne() throws(StorageError) {
        for entry in try SystemCalls.listDirectory(modelsPath) where Self.isValidName(entry) {
            let folder = modelsPath + "/" + entry
            let old = folder + "/" + PersistedModel.formatOneFileName
            guard SystemCalls.isDirectory(folder), SystemCalls.exists(old),
                !SystemCalls.exists(folder + "/" + PersistedModel.fileName)
            else { continue }
            try SystemCalls.rename(old, to: folder + "/" + PersistedModel.fileName)
            try SystemCalls.syncDirectory(folder)
        }
        try DurableFile.write(Array("\(Self.formatPrefix)\(Self.formatVersion)\n".utf8), to: Self.formatFileName, in: root)
    }
}
