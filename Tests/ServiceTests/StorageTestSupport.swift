import Foundation
import JSON
import NeuralNet
@testable import Service

/// A fresh directory under the system's temporary directory, removed by `remove()`.
struct ScratchDirectory {
    let path: String

    init() {
        var template = Array((NSTemporaryDirectory() + "/paramd-storage-XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    func write(_ bytes: [UInt8], to relativePath: String) throws {
        let url = URL(fileURLWithPath: path + "/" + relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func read(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path + "/" + relativePath)))
    }

    func exists(_ relativePath: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + relativePath) }

    func list(_ relativePath: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path + "/" + relativePath)) ?? []).sorted()
    }
}

/// A small model as the service would store it.
func sampleModel(_ name: String = "mlp", version: Int = 1, scale: Float = 1) -> PersistedModel {
    PersistedModel(
        name: name, version: version,
        document: .object([
            "spec": .object([
                "type": .string("sequential"), "layers": .array([.object(["type": .string("linear"), "in": .number(2), "out": .number(3)])])
            ]),
            "seed": .number(7)
        ]),
        tensors: [
            SafeTensorsEntry(name: "0.weight", shape: [3, 2], values: [1, 2, 3, 4, 5, 6].map { $0 * scale }),
            SafeTensorsEntry(name: "0.bias", shape: [3], values: [0.5, -0.5, 0].map { $0 * scale })
        ])
}

extension DataDirectory {
    /// Stores `model` whole: creates it, or rewrites its checkpoint (what a checkpoint does).
    func save(_ model: PersistedModel) throws(StorageError) {
        if SystemCalls.exists(root + "/models/" + model.name + "/" + PersistedModel.fileName) {
            try writeCheckpoint(model)
        } else {
            try create(model).close()
        }
    }
}
