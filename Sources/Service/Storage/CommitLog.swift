/// A model's commit log, `models/<name>/log`: every change committed since the checkpoint,
/// appended as one ``LogRecord`` per commit and made durable with one `fdatasync` per commit
/// (a commit carries a whole batch of writers).
///
/// ```
/// header  "PRMDLOG\n" | u32 format (1) | u32 CRC-32 of the 12 bytes before it
/// then    records, back to back (``LogRecord``)
/// ```
///
/// A record is written at the end of the last good one (`length`), never after a failed
/// append's remains: a failed write or fsync truncates back before the error is reported, so
/// the next record always follows an acknowledged one. On open, records are replayed in order
/// onto the checkpoint; the first that is torn or fails its checksum was never acknowledged
/// (its fsync had not returned), and it and everything after it are truncated away.
///
/// The file is extended with zeros a step ahead of its records (``preallocationStep``), as
/// PostgreSQL fills a WAL segment before using it: an append is then an overwrite inside the
/// file's size and its `fdatasync` flushes the record alone, with no file-system journal commit
/// for a new size or new blocks (which waits on every other file's metadata in that journal).
/// A zero tail never reads as a record: its length is 0 and its stored CRC-32 is 0, while the
/// CRC-32 of eight zero bytes is 0x6522DF69, so replay stops there as at any torn record (and
/// truncates it, so a reopened log is extended again by its next append). Readers of format 1
/// before this change did the same, so the format is unchanged.
///
/// Used by one thread at a time: its model's serial queue (``ModelFiles``).
struct CommitLog: Sendable {
    static let fileName = "log"
    static let formatVersion: UInt32 = 1
    static let magic = Array("PRMDLOG\n".utf8)
    static let headerSize = 16
    /// How far past a record that does not fit the file is extended with zeros.
    static let preallocationStep = 1 << 20

    /// The log's header bytes.
    static var header: [UInt8] {
        var bytes = magic
        bytes.appendInteger(formatVersion)
        bytes.appendInteger(CRC32.checksum(bytes))
        return bytes
    }

    let folder: String
    var descriptor: Int32
    /// The end of the last good record.
    var length: Int
    /// The file's size, as far as appends know it: zeros from `length` on.
    var allocated: Int
    /// Where each record since the checkpoint ends, with the version it produced.
    var recordEnds: [(version: Int, end: Int)]

    var path: String { folder + "/" + Self.fileName }

    /// Bytes of records since the checkpoint.
    var recordBytes: Int { length - Self.headerSize }

    /// Creates an empty log in `folder` (temporary file, fsync, rename); the caller fsyncs
    /// the folder.
    static func create(in folder: String) throws(StorageError) -> CommitLog {
        try DurableFile.write(header, to: fileName, in: folder, syncingDirectory: false)
        let path = folder + "/" + fileName
        let descriptor = try SystemCalls.openForUpdate(path)
        return CommitLog(folder: folder, descriptor: descriptor, length: headerSize, allocated: headerSize, recordEnds: [])
    }

    func close() { SystemCalls.close(descriptor) }

    /// Appends the record of `commit` and makes it durable. When this throws, the log is as it
    /// was (truncated back), or the error says the truncation failed too.
    mutating func append(_ commit: ModelCommit) throws(StorageError) {
        let (parts, size) = LogRecord.encode(commit)
        var extended = allocated
        do throws(StorageError) {
            var offset = length
            for part in parts {
                let descriptor = self.descriptor
                let path = self.path
                try part.withBytes { (buffer) throws(StorageError) in
                    try SystemCalls.writeExactly(descriptor, buffer, at: offset, path: path)
                }
                offset += part.byteCount
            }
            if offset > allocated { extended = extendWithZeros(from: offset) }
            StorageCrashPoint.reach(.appendWritten)
            try SystemCalls.syncData(descriptor, path: path)
        } catch {
            // After a failed fsync the kernel may have dropped the pages or kept some: cut the
            // record off, so the next one follows the last acknowledged record. (Should the cut
            // fail too, the next append writes zeros past its record again.)
            try? SystemCalls.truncate(descriptor, to: length, path: path)
            allocated = length
            throw error
        }
        StorageCrashPoint.reach(.appendSynced)
        length += size
        allocated = extended
        recordEnds.append((commit.version, length))
    }

    /// Writes zeros from `end` (a record's end, past the file's size) to a step beyond it, for
    /// the appends that follow; returns the file's size. Best effort: when the zeros do not fit
    /// (a full disk), the file ends at the record and the next append extends it.
    private func extendWithZeros(from end: Int) -> Int {
        let target = (end / Self.preallocationStep + 1) * Self.preallocationStep
        let zeros = [UInt8](repeating: 0, count: target - end)
        do throws(StorageError) {
            try SystemCalls.withBytes(of: zeros) { (buffer) throws(StorageError) in
                try SystemCalls.writeExactly(descriptor, buffer, at: end, path: path)
            }
            return target
        } catch {
            try? SystemCalls.truncate(descriptor, to: end, path: path)
            return end
        }
    }

    /// Drops the records a new checkpoint at `version` holds: a new log with the header and
    /// the records after `version` (those appended while the checkpoint was written) replaces
    /// this one atomically (temporary file, fsync, rename, folder fsync).
    mutating func cut(through version: Int) throws(StorageError) {
        let start = recordEnds.last { $0.version <= version }?.end ?? Self.headerSize
        let kept = length - start
        let temporary = DurableFile.temporaryPath(for: Self.fileName, in: folder)
        let fresh = try SystemCalls.openForUpdate(temporary, create: true)
        do throws(StorageError) {
            try SystemCalls.withBytes(of: Self.header) { (buffer) throws(StorageError) in
                try SystemCalls.writeExactly(fresh, buffer, at: 0, path: temporary)
            }
            var copied = 0
            while copied < kept {
                var chunk = [UInt8](repeating: 0, count: min(1 << 20, kept - copied))
                try SystemCalls.readExactly(descriptor, into: &chunk, at: start + copied, path: path)
                try SystemCalls.withBytes(of: chunk) { (buffer) throws(StorageError) in
                    try SystemCalls.writeExactly(fresh, buffer, at: Self.headerSize + copied, path: temporary)
                }
                copied += chunk.count
            }
            try SystemCalls.sync(fresh, path: temporary)
            StorageCrashPoint.reach(.logCutWritten)
            try SystemCalls.rename(temporary, to: path)
        } catch {
            SystemCalls.close(fresh)
            try? SystemCalls.removeFile(temporary)
            throw error
        }
        SystemCalls.close(descriptor)
        descriptor = fresh
        length = Self.headerSize + kept
        allocated = length
        recordEnds = recordEnds.filter { $0.version > version }.map { ($0.version, $0.end - start + Self.headerSize) }
        StorageCrashPoint.reach(.logCutRenamed)
        try SystemCalls.syncDirectory(folder)
    }
}
