import NeuralNet

extension PersistedModel {
    /// Reads and verifies the checkpoint at `path` without a copy of its data: the header with
    /// one read, then each tensor with one read straight into the array the model keeps, the
    /// tensors read and checksummed on every core at once (``ParallelPieces``), their CRC-32s
    /// combined in file order (the same bytes and order as ``init(file:name:)`` checks).
    ///
    /// Memory: the model's own tensors plus its header; never the file twice. Every size the
    /// header claims is checked against the file's real size before anything is allocated.
    /// - Throws: `.damagedModel` naming what is wrong; `.fileNotFound` when there is no file.
    static func read(checkpointAt path: String, name: String) throws(StorageError) -> PersistedModel {
        let file = try SystemCalls.openForReading(path)
        defer { SystemCalls.close(file) }
        let size = try SystemCalls.fileSize(file, path: path)
        func damaged(_ damage: StorageDamage) -> StorageError { .damagedModel(name, damage) }
        var prefix = [UInt8](repeating: 0, count: min(size, 8))
        try SystemCalls.readExactly(file, into: &prefix, at: 0, path: path)
        let length: Int
        do throws(SafeTensorsError) {
            length = try SafeTensorsHeader.headerLength(prefix: prefix, fileSize: size)
        } catch {
            throw damaged(.notSafeTensors(error))
        }
        prefix = [UInt8](repeating: 0, count: 8 + length)
        try SystemCalls.readExactly(file, into: &prefix, at: 0, path: path)
        let header: SafeTensorsHeader
        do throws(SafeTensorsError) {
            header = try SafeTensorsHeader(parsingPrefix: prefix, fileSize: size)
        } catch {
            throw damaged(.notSafeTensors(error))
        }
        guard let digits = checksumDigits(in: prefix), let stored = UInt32(String(decoding: prefix[digits], as: UTF8.self), radix: 16)
        else { throw damaged(.missingMetadata("paramd.checksum")) }
        var crc = CRC32()
        crc.update(prefix[..<digits.lowerBound])
        crc.update(Array("00000000".utf8))
        crc.update(prefix[digits.upperBound...])
        for layout in header.layouts where layout.dtype != .f32 {
            throw damaged(.unsupportedFormat("dtype \(layout.dtype.rawValue) in a checkpoint"))
        }
        var tensors: [SafeTensorsEntry] = []
        tensors.reserveCapacity(header.layouts.count)
        for layout in header.layouts {
            let (values, checksum) = try ParallelPieces.readFloats(
                file, count: layout.elementCount, at: layout.bytes.lowerBound, path: path)
            crc.append(checksum, length: layout.bytes.count)
            tensors.append(SafeTensorsEntry(name: layout.name, shape: layout.shape, values: values))
        }
        guard crc.value == stored else { throw damaged(.checksumMismatch(stored: stored, computed: crc.value)) }
        do throws(StorageDamage) {
            let (version, document) = try decode(metadata: header.metadata, name: name)
            return PersistedModel(name: name, version: version, document: document, tensors: tensors)
        } catch {
            throw damaged(error)
        }
    }
}
