public import NeuralNet
public import JSON

/// Why a storage operation failed. Every case leaves what was stored before whole.
///
/// The service maps ``isInsufficientStorage`` cases to 507 (the write could not be made
/// durable), `invalidModelName` to 400, `modelNotFound` to 404, and `damagedModel` to a report
/// on the model's route.
public enum StorageError: Error, Sendable, Equatable {
    /// A name outside `[A-Za-z0-9._-]{1,64}` or starting with `.`; refused before any path is built.
    case invalidModelName(String)
    /// No model of that name is stored.
    case modelNotFound(String)
    /// The model's file exists but cannot be trusted; it is left in place for inspection.
    case damagedModel(String, StorageDamage)
    /// The model cannot be written in this format (e.g. two tensors with one path).
    case unencodableModel(String, SafeTensorsError)
    /// Another process holds the data directory's lock.
    case directoryInUse(path: String)
    /// The data directory was written by a newer paramd, in a format this one cannot read.
    case newerFormat(path: String, found: Int, supported: Int)
    /// The data directory's format file is not one paramd writes.
    case unreadableFormat(path: String)
    /// ENOSPC or EDQUOT.
    case diskFull(path: String)
    /// EACCES, EPERM or EROFS.
    case permissionDenied(path: String)
    /// ENOENT on a file storage expected.
    case fileNotFound(path: String)
    /// Any other failed call (EIO from write or fsync, for instance).
    case ioFailure(operation: String, path: String, errno: Int32)

    /// Whether the failure is the disk's, not the request's: a 507 for the client.
    public var isInsufficientStorage: Bool {
        switch self {
        case .diskFull, .permissionDenied, .ioFailure, .fileNotFound, .directoryInUse, .newerFormat, .unreadableFormat: true
        case .invalidModelName, .modelNotFound, .damagedModel, .unencodableModel: false
        }
    }
}

/// What is wrong with a stored model's file.
public enum StorageDamage: Error, Sendable, Equatable {
    /// The folder exists but holds no model file (and other files).
    case missingFile
    /// The file could not be read.
    indirect case unreadable(StorageError)
    /// The bytes are not a valid safetensors file.
    case notSafeTensors(SafeTensorsError)
    /// The stored CRC-32 differs from the file's: bytes changed after they were written.
    case checksumMismatch(stored: UInt32, computed: UInt32)
    /// A `paramd.*` metadata entry is absent.
    case missingMetadata(String)
    /// `paramd.format` names a layout this version does not read.
    case unsupportedFormat(String)
    /// `paramd.version` is not a non-negative integer.
    case invalidVersion(String)
    /// `paramd.document` is not valid JSON.
    case invalidDocument(JSONError)
    /// The file says it belongs to another model (a folder renamed by hand).
    case nameMismatch(stored: String)
    /// A commit-log record with a good checksum that does not fit the log or the model.
    case invalidLogRecord(String)
}

extension StorageError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidModelName(let name):
            return "model names are 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'; got \(name.debugDescription)"
        case .modelNotFound(let name):
            return "no model named \(name.debugDescription) is stored"
        case .damagedModel(let name, let damage):
            return "the stored model \(name.debugDescription) is damaged: \(damage)"
        case .unencodableModel(let name, let error):
            return "the model \(name.debugDescription) cannot be stored: \(error)"
        case .directoryInUse(let path):
            return "the data directory \(path) is in use by another process"
        case .newerFormat(let path, let found, let supported):
            return
                "the data directory \(path) has format \(found), written by a newer paramd; this one reads formats up to \(supported): run the newer paramd, or point --data-dir elsewhere"
        case .unreadableFormat(let path):
            return "\(path) is not a paramd format file; this directory was not written by paramd"
        case .diskFull(let path):
            return "no space left on the device while writing \(path)"
        case .permissionDenied(let path):
            return "permission denied (or read-only file system) at \(path)"
        case .fileNotFound(let path):
            return "\(path) does not exist"
        case .ioFailure(let operation, let path, let code):
            return "\(operation) failed on \(path): \(Self.message(forErrno: code))"
        }
    }
}

extension StorageDamage: CustomStringConvertible {
    public var description: String {
        switch self {
        case .missingFile: "the model folder has no checkpoint.safetensors"
        case .unreadable(let error): "the file cannot be read: \(error)"
        case .notSafeTensors(let error): "the file is not valid safetensors: \(error)"
        case .checksumMismatch(let stored, let computed):
            "the checksum does not match (stored \(hex(stored)), computed \(hex(computed))): the file was changed or torn"
        case .missingMetadata(let key): "the file lacks the metadata entry \(key)"
        case .unsupportedFormat(let format): "the file has format \(format.debugDescription), which this version cannot read"
        case .invalidVersion(let text): "the stored version \(text.debugDescription) is not a non-negative integer"
        case .invalidDocument(let error): "the stored model document is not valid JSON: \(error)"
        case .nameMismatch(let stored): "the file belongs to the model \(stored.debugDescription)"
        case .invalidLogRecord(let reason): "the commit log does not fit the model: \(reason)"
        }
    }

    private func hex(_ value: UInt32) -> String { String(value, radix: 16) }
}
