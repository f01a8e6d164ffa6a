import JSON
import NeuralNet

/// The checkpoint format: one safetensors file per model, `models/<name>/checkpoint.safetensors`
/// (named `model.safetensors` in format 1 data directories, which held nothing else).
///
/// The tensors are stored under their state-dict paths, so `safetensors.torch.load_file` reads
/// a model's file directly into a PyTorch `state_dict`. The rest lives in `__metadata__`:
///
/// | key | value |
/// | --- | --- |
/// | `format` | `pt` (what Hugging Face tools expect) |
/// | `paramd.format` | `1`, the layout version |
/// | `paramd.name`, `paramd.version` | the model's name and version |
/// | `paramd.document` | the model document, as compact JSON |
/// | `paramd.checksum` | CRC-32 of the whole file with these 8 hex digits written as `00000000` |
///
/// Why one file rather than spec, parameters and a manifest: a model's whole state then changes
/// with a single atomic rename, so no crash can pair a new spec with old parameters, and a
/// durable write costs one file fsync and one directory fsync instead of two of each — which
/// bounds the rate of durable PATCHes. The checksum covers every byte (header, document and
/// data), so a torn or garbled file is recognised on load even where the format would parse.
extension PersistedModel {
    static let fileName = "checkpoint.safetensors"
    /// The file's name in a format 1 data directory.
    static let formatOneFileName = "model.safetensors"
    static let formatVersion = "1"
    private static let checksumKey = "paramd.checksum"
    /// `"paramd.checksum":"` as the writer spells it; its 8 digits follow.
    private static let checksumPattern = Array("\"\(checksumKey)\":\"".utf8)

    /// The file's bytes, checksum included (the bytes ``writeFile(into:path:)`` writes).
    func encodedFile() throws(StorageError) -> [UInt8] {
        let (header, file) = try unsummedParts()
        var bytes = header
        file.forEachEncodedTensor { (data: UnsafeRawBufferPointer) in bytes.append(contentsOf: data) }
        var crc = CRC32()
        crc.update(bytes)
        Self.fill(checksum: crc.value, into: &bytes)
        return bytes
    }

    /// Writes the file into the empty file `descriptor`, never assembling it in memory: each
    /// tensor's data at its offset, straight from the model's storage, in pieces that every core
    /// writes, checksums and hands to write-back at once (``ParallelPieces``); the header last,
    /// its checksum combined from the header's own CRC and the pieces'. One pass over the data.
    func writeFile(into descriptor: Int32, path: String) throws(StorageError) {
        var (header, file) = try unsummedParts()
        var crc = CRC32()
        crc.update(header)
        var offset = header.count
        try file.forEachEncodedTensor { (data: UnsafeRawBufferPointer) throws(StorageError) in
            crc.append(try ParallelPieces.write(descriptor, data, at: offset, path: path), length: data.count)
            offset += data.count
        }
        Self.fill(checksum: crc.value, into: &header)
        try SystemCalls.withBytes(of: header) { (bytes) throws(StorageError) in
            try SystemCalls.writeExactly(descriptor, bytes, at: 0, path: path)
        }
    }

    /// The header with `00000000` for its checksum (the value the checksum is computed with),
    /// and the tensors whose data follows it.
    private func unsummedParts() throws(StorageError) -> (header: [UInt8], file: SafeTensorsFile) {
        let metadata = [
            "format": "pt", "paramd.format": Self.formatVersion, "paramd.name": name,
            "paramd.version": String(version), "paramd.document": document.jsonString,
            Self.checksumKey: "00000000"
        ]
        let file = SafeTensorsFile(tensors: tensors, metadata: metadata)
        do throws(SafeTensorsError) {
            return (try file.encodedHeader(), file)
        } catch {
            throw .unencodableModel(name, error)
        }
    }

    /// Writes `checksum` as the header's 8 hex digits.
    private static func fill(checksum: UInt32, into header: inout [UInt8]) {
        guard let digits = checksumDigits(in: header) else {
            preconditionFailure("the safetensors writer must spell the checksum entry as expected")
        }
        let hex = Array(String(checksum, radix: 16).utf8)
        header.replaceSubrange(digits, with: repeatElement(UInt8(ascii: "0"), count: 8 - hex.count) + hex)
    }

    /// Decodes and verifies a model file; `name` is the folder it was found in.
    init(file bytes: [UInt8], name: String) throws(StorageDamage) {
        // The checksum first: a flipped bit is then reported as what it is, not as whatever
        // structural error it happens to cause.
        if let digits = Self.checksumDigits(in: bytes), let stored = UInt32(String(decoding: bytes[digits], as: UTF8.self), radix: 16) {
            var crc = CRC32()
            crc.update(bytes[..<digits.lowerBound])
            crc.update(Array("00000000".utf8))
            crc.update(bytes[digits.upperBound...])
            guard crc.value == stored else { throw .checksumMismatch(stored: stored, computed: crc.value) }
        }
        let file: SafeTensorsFile
        do throws(SafeTensorsError) {
            file = try SafeTensorsFile(decoding: bytes)
        } catch {
            throw .notSafeTensors(error)
        }
        guard Self.checksumDigits(in: bytes) != nil else { throw .missingMetadata(Self.checksumKey) }
        let (version, document) = try Self.decode(metadata: file.metadata, name: name)
        self.init(name: name, version: version, document: document, tensors: file.tensors)
    }

    /// The version and document a checkpoint's metadata holds, each entry checked.
    static func decode(metadata: [String: String], name: String) throws(StorageDamage) -> (version: Int, document: JSONValue) {
        func entry(_ key: String) throws(StorageDamage) -> String {
            guard let value = metadata[key] else { throw .missingMetadata(key) }
            return value
        }
        let format = try entry("paramd.format")
        guard format == Self.formatVersion else { throw .unsupportedFormat(format) }
        let checksumText = try entry(Self.checksumKey)
        guard checksumText.utf8.count == 8, UInt32(checksumText, radix: 16) != nil else { throw .missingMetadata(Self.checksumKey) }
        let storedName = try entry("paramd.name")
        guard storedName == name else { throw .nameMismatch(stored: storedName) }
        let versionText = try entry("paramd.version")
        guard let version = Int(versionText), version >= 0 else { throw .invalidVersion(versionText) }
        let documentText = try entry("paramd.document")
        do throws(JSONError) {
            return (version, try JSONValue(parsing: documentText))
        } catch {
            throw .invalidDocument(error)
        }
    }

    /// Where the checksum's 8 hex digits are, searching the header only.
    static func checksumDigits(in bytes: [UInt8]) -> Range<Int>? {
        guard bytes.count >= 8 else { return nil }
        let length = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length <= UInt64(bytes.count - 8) else { return nil }
        let header = bytes[8..<8 + Int(length)]
        let pattern = checksumPattern
        guard header.count >= pattern.count + 9 else { return nil }
        var start = header.startIndex
        while start + pattern.count + 9 <= header.endIndex {
            if header[start..<start + pattern.count].elementsEqual(pattern) {
                let digits = start + pattern.count..<start + pattern.count + 8
                guard header[digits.upperBound] == UInt8(ascii: "\"") else { return nil }
                return digits
            }
            start += 1
        }
        return nil
    }
}
