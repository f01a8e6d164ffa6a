import Foundation
import Testing
@testable import Service

/// The write-fsync-rename-fsync primitive and its error classification.
struct StorageDurableFileTests {
    @Test func createsAndReplacesTheTargetLeavingNoTemporaryFile() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        try DurableFile.write(Array("first".utf8), to: "file", in: scratch.path)
        #expect(try scratch.read("file") == Array("first".utf8))
        try DurableFile.write(Array("second, longer".utf8), to: "file", in: scratch.path)
        #expect(try scratch.read("file") == Array("second, longer".utf8))
        #expect(scratch.list("") == ["file"])
    }

    @Test func failsWithoutLeavingAnythingWhenTheDirectoryIsMissing() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        #expect(throws: StorageError.self) { try DurableFile.write([1], to: "file", in: scratch.path + "/missing") }
        #expect(scratch.list("").isEmpty)
    }

    @Test func reportsAFullDeviceAsDiskFull() throws {
        // /dev/full accepts open and fails every write with ENOSPC.
        let descriptor = open("/dev/full", O_WRONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        #expect(throws: StorageError.diskFull(path: "/dev/full")) {
            try SystemCalls.writeAll(descriptor, [UInt8](repeating: 1, count: 100), path: "/dev/full")
        }
    }

    static let errnoCases: [(Int32, StorageError)] = [
        (ENOSPC, .diskFull(path: "p")), (EDQUOT, .diskFull(path: "p")),
        (EACCES, .permissionDenied(path: "p")), (EPERM, .permissionDenied(path: "p")), (EROFS, .permissionDenied(path: "p")),
        (ENOENT, .fileNotFound(path: "p")), (EIO, .ioFailure(operation: "fsync", path: "p", errno: EIO))
    ]

    @Test(arguments: errnoCases)
    func classifiesErrnoValues(code: Int32, expected: StorageError) {
        let error = StorageError(errno: code, operation: "fsync", path: "p")
        #expect(error == expected)
        #expect(error.isInsufficientStorage)
    }

    @Test func describesIOFailuresWithTheSystemMessage() {
        #expect(
            StorageError.ioFailure(operation: "fsync", path: "/d/m", errno: EIO).description
                == "fsync failed on /d/m: Input/output error")
    }

    @Test func checksumsLikeZlib() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        // Lengths around the 8-byte stride agree with the bytewise definition.
        let bytes = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for length in [1, 7, 8, 9, 15, 16, 17, 100] {
            var reference: UInt32 = 0xFFFF_FFFF
            for byte in bytes[..<length] {
                reference ^= UInt32(byte)
                for _ in 0..<8 { reference = reference & 1 == 1 ? (reference >> 1) ^ 0xEDB8_8320 : reference >> 1 }
            }
            #expect(CRC32.checksum(bytes[..<length]) == ~reference, "length \(length)")
        }
        var split = CRC32()
        split.update(bytes[..<13])
        split.update(bytes[13...])
        #expect(split.value == CRC32.checksum(bytes))
    }
}
