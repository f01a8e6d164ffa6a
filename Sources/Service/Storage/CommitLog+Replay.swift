import NeuralNet

extension CommitLog {
    /// Opens the log in `folder` and replays it onto `model` (the checkpoint): records the
    /// checkpoint already holds (a crash between a checkpoint and its log cut) are skipped, the
    /// others applied in order. A torn or corrupt tail is truncated away and the truncation
    /// made durable before this returns.
    /// - Throws: `.damagedModel` when the header is not a log's, names a newer format, or a
    ///   record with a good checksum does not fit the model (written by something else).
    static func open(in folder: String, replayingOnto model: inout PersistedModel) throws(StorageError) -> CommitLog {
        let path = folder + "/" + fileName
        let descriptor = try SystemCalls.openForUpdate(path)
        do throws(StorageError) {
            let size = try SystemCalls.fileSize(descriptor, path: path)
            var header = [UInt8](repeating: 0, count: min(size, headerSize))
            try SystemCalls.readExactly(descriptor, into: &header, at: 0, path: path)
            try checkHeader(header, model: model.name)
            var log = CommitLog(
                folder: folder, descriptor: descriptor, length: headerSize, allocated: size, recordEnds: [])
            while let record = try log.readRecord(at: log.length, fileSize: size, model: model.name) {
                let end = log.length + prefixedSize(record.payloadSize)
                log.length = end
                guard record.value.version > model.version else { continue }
                guard record.value.expectedVersion == model.version else {
                    throw .damagedModel(
                        model.name,
                        .invalidLogRecord(
                            "a record takes version \(record.value.expectedVersion) to \(record.value.version), but the model is at \(model.version)"
                        ))
                }
                do throws(StorageDamage) {
                    try model.apply(record.value)
                } catch {
                    throw .damagedModel(model.name, error)
                }
                log.recordEnds.append((record.value.version, end))
            }
            if log.length < size {
                // A torn record, or the zeros of an extension: cut, so nothing written before the
                // crash lies past the records the next appends write.
                try SystemCalls.truncate(descriptor, to: log.length, path: path)
                try SystemCalls.syncData(descriptor, path: path)
                log.allocated = log.length
            }
            return log
        } catch {
            SystemCalls.close(descriptor)
            throw error
        }
    }

    private static func prefixedSize(_ payloadSize: Int) -> Int { LogRecord.prefixSize + payloadSize }

    private static func checkHeader(_ header: [UInt8], model: String) throws(StorageError) {
        guard header.count == headerSize, Array(header[..<8]) == magic,
            CRC32.checksum(header[..<12]) == header[12..<16].reversed().reduce(UInt32(0), { $0 << 8 | UInt32($1) })
        else { throw .damagedModel(model, .invalidLogRecord("the log's header is not a paramd log header")) }
        let format = header[8..<12].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard format <= formatVersion else { throw .damagedModel(model, .unsupportedFormat("log format \(format)")) }
    }

    /// The record at `offset`, or nil at the end of the good records: the file ends, the
    /// length runs past the file, or the checksum fails.
    private func readRecord(at offset: Int, fileSize: Int, model: String) throws(StorageError) -> (value: LogRecord, payloadSize: Int)? {
        guard fileSize - offset >= LogRecord.prefixSize else { return nil }
        var prefix = [UInt8](repeating: 0, count: LogRecord.prefixSize)
        try SystemCalls.readExactly(descriptor, into: &prefix, at: offset, path: path)
        let length = prefix[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let stored = prefix[8..<12].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        // Checked against the bytes present before anything is allocated for it.
        guard length <= UInt64(fileSize - offset - LogRecord.prefixSize) else { return nil }
        var payload = [UInt8](repeating: 0, count: Int(length))
        try SystemCalls.readExactly(descriptor, into: &payload, at: offset + LogRecord.prefixSize, path: path)
        var crc = CRC32()
        crc.update(prefix[0..<8])
        crc.update(payload)
        guard crc.value == stored else { return nil }
        do throws(StorageDamage) {
            return (try LogRecord(payload: payload), payload.count)
        } catch {
            throw .damagedModel(model, error)
        }
    }
}

extension PersistedModel {
    /// Applies one replayed record: its document, each run written over its tensor's elements
    /// (a run that covers a whole tensor adds or replaces it).
    /// - Throws: when a partial run names a tensor that is not stored with its shape.
    mutating func apply(_ record: LogRecord) throws(StorageDamage) {
        for run in record.runs {
            let index = tensors.firstIndex { $0.name == run.path }
            if run.offset == 0, run.values.count == Tensor.elementCount(run.shape) {
                let entry = SafeTensorsEntry(name: run.path, shape: run.shape, values: run.values)
                if let index { tensors[index] = entry } else { tensors.append(entry) }
                continue
            }
            guard let index, tensors[index].shape == run.shape else {
                throw .invalidLogRecord(
                    "version \(record.version) changes part of \(run.path), which is not stored with shape \(run.shape)")
            }
            tensors[index].values.replaceSubrange(run.offset..<run.offset + run.values.count, with: run.values)
        }
        version = record.version
        if let document = record.document { self.document = document }
    }
}
