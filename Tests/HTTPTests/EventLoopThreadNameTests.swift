import Glibc
import Testing
@testable import HTTP

/// Each event loop's thread carries its loop's index in its name (`paramd-loop-N`), as `top -H`,
/// `perf` and the benchmarks that pin loops to cores (bench/http/paramd.sh) find it.
struct EventLoopThreadNameTests {
    /// The names of this process's threads, from /proc/self/task/*/comm.
    static func threadNames() throws -> Set<String> {
        guard let directory = opendir("/proc/self/task") else { throw ThreadListError() }
        defer { closedir(directory) }
        var names = Set<String>()
        while let entry = readdir(directory) {
            let tid = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard tid.first?.isNumber == true, let file = fopen("/proc/self/task/\(tid)/comm", "r") else { continue }
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 32)
            guard fgets(&line, Int32(line.count), file) != nil else { continue }
            let bytes = line.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }
            names.insert(String(decoding: bytes, as: UTF8.self))
        }
        return names
    }

    struct ThreadListError: Error {}

    @Test func eachLoopsThreadIsNamedAfterItsIndex() async throws {
        try await withServer(testConfiguration { $0.eventLoopCount = 3 }) { _, _ in
            let names = try Self.threadNames()
            #expect(names.isSuperset(of: ["paramd-loop-0", "paramd-loop-1", "paramd-loop-2"]))
        }
    }
}
