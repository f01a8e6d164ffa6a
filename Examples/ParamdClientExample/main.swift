import Foundation
import ParamdClient

// Walks the chapter *Parameter Management* against a running paramd through ParamdClient:
//   swift run paramd-client-example [http://127.0.0.1:8080]
// with the bearer token from PARAMD_TOKEN when the server wants one. Exits non-zero when a
// step does not give what the chapter says.
let arguments = CommandLine.arguments.dropFirst()
guard let url = URL(string: arguments.first ?? "http://127.0.0.1:8080") else {
    FileHandle.standardError.write(Data("usage: paramd-client-example [SERVER-URL]\n".utf8))
    exit(2)
}
let client = Client(paramdAt: url, token: ProcessInfo.processInfo.environment["PARAMD_TOKEN"])
do {
    try await ChapterWalkthrough(client: client).run()
    print("done: every step of the chapter gave what it should")
} catch {
    FileHandle.standardError.write(Data("paramd-client-example: \(error)\n".utf8))
    exit(1)
}
