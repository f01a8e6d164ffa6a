import Foundation
import Postgres
import Testing

/// Against a real server: `PARAMD_TEST_POSTGRES_URL` (Tests/python/test_postgres_store.py sets
/// it to a PostgreSQL it starts, so CI runs these for real; without it they are skipped).
let testPostgresURL = ProcessInfo.processInfo.environment["PARAMD_TEST_POSTGRES_URL"].flatMap(PostgresURL.init)

@Suite(.enabled(if: testPostgresURL != nil, "set PARAMD_TEST_POSTGRES_URL to run against PostgreSQL"))
struct PostgresConnectionTests {
    func connect() throws -> PostgresConnection { try PostgresConnection(url: testPostgresURL!, password: nil) }

    @Test func bindsAndReadsBinaryValues() throws {
        let connection = try connect()
        let floats: [Float] = [0, -0, 1.5, .pi, -.greatestFiniteMagnitude, .leastNonzeroMagnitude]
        let result = try connection.execute(
            "SELECT $1::bytea, $2::bigint, $3::text, $4::bigint[] = '{8,4}', $5::text IS NULL",
            [.float32s(floats), .int64(-1 << 40), .text("blöck 0 \"x\""), .text("{8,4}"), .null])
        #expect(result.rowCount == 1)
        #expect(try result.float32s(0, 0).map(\.bitPattern) == floats.map(\.bitPattern))
        #expect(try result.int64(0, 1) == -1 << 40)
        #expect(result.text(0, 2) == "blöck 0 \"x\"")
        #expect(result.bool(0, 3))
        #expect(result.bool(0, 4))
    }

    @Test func reportsTheServersSQLState() throws {
        let connection = try connect()
        #expect(throws: PostgresError.serverError(sqlState: "42P01", message: "relation \"no_such_table\" does not exist")) {
            try connection.execute("SELECT 1 FROM no_such_table")
        }
        // The connection stays usable after a statement failed.
        #expect(try connection.execute("SELECT 1::int4").int64(0, 0) == 1)
    }

    @Test func rollsBackATransactionThatThrows() throws {
        let connection = try connect()
        try connection.execute("CREATE TEMP TABLE t (x int8)")
        #expect(throws: PostgresError.self) {
            try connection.transaction {
                try connection.execute("INSERT INTO t VALUES (1)")
                try connection.execute("SELECT 1/0")
            }
        }
        try connection.transaction { try connection.execute("INSERT INTO t VALUES (2)") }
        #expect(try connection.execute("SELECT sum(x)::int8 FROM t").int64(0, 0) == 2)
    }

    @Test func deliversNotifications() throws {
        let listener = try connect()
        let sender = try connect()
        try listener.listen("paramd test")
        #expect(try listener.notifications(waitingUpTo: 0).isEmpty)
        try sender.transaction {
            try sender.execute("SELECT pg_notify('paramd test', $1)", [.text("7 mlp")])
        }
        var received: [PostgresNotification] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while received.isEmpty && ContinuousClock.now < deadline {
            received += try listener.notifications(waitingUpTo: 100)
        }
        #expect(received == [PostgresNotification(channel: "paramd test", payload: "7 mlp", senderPID: sender.backendPID)])
    }

    // pg_terminate_backend with a timeout returns once the server process has exited, so the
    // victim's next call meets a closed connection, not a race with the signal.
    @Test func aTerminatedConnectionIsReportedLost() throws {
        let victim = try connect()
        let killer = try connect()
        try killer.execute("SELECT pg_terminate_backend($1::int4, 10000)", [.text("\(victim.backendPID)")])
        #expect(throws: PostgresError.self) { try victim.execute("SELECT 1") }
        #expect(!victim.isUsable)
    }

    @Test func sessionReplacesAConnectionTheServerDroppedWhileIdle() async throws {
        let session = PostgresSession(url: testPostgresURL!, password: nil)
        let first = try await session.run { $0.backendPID }
        let killer = try connect()
        try killer.execute("SELECT pg_terminate_backend($1::int4, 10000)", [.text("\(first)")])
        // The dropped connection is noticed before the call, which then runs on a new one.
        let second = try await session.run { try ($0.backendPID, $0.execute("SELECT 1::int4").int64(0, 0)) }
        #expect(second.0 != first)
        #expect(second.1 == 1)
    }

    @Test func aRefusedLoginDoesNotRevealThePassword() throws {
        let url = try #require(
            PostgresURL(testPostgresURL!.string.replacing("postgresql://postgres@", with: "postgresql://nobody:hunter2@")))
        do {
            _ = try PostgresConnection(url: url, password: "s3cret-file")
            Issue.record("a login as an unknown role succeeded")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
            #expect(!"\(error)".contains("s3cret-file"))
        }
    }
}
