import Postgres
import Testing

struct PostgresURLTests {
    @Test(arguments: [
        ("postgresql://paramd:s3cret@db:5432/paramd", "postgresql://paramd:***@db:5432/paramd", "s3cret"),
        ("postgres://u:p%40ss@h/db?sslmode=require", "postgres://u:***@h/db?sslmode=require", "p%40ss"),
        ("postgresql://h/db?user=u&password=pw&sslmode=disable", "postgresql://h/db?user=u&password=***&sslmode=disable", "pw"),
        ("postgresql:///paramd?host=/run/postgresql", "postgresql:///paramd?host=/run/postgresql", nil),
        ("postgresql://user@host", "postgresql://user@host", nil)
    ])
    func redactsThePassword(url: String, redacted: String, password: String?) throws {
        let parsed = try #require(PostgresURL(url))
        #expect(parsed.redacted == redacted)
        #expect("\(parsed)" == redacted)
        #expect(parsed.password == password)
    }

    @Test(arguments: ["/var/lib/paramd", "file:///data", "mysql://h/db", "postgresql:", ""])
    func refusesWhatIsNotAPostgresURL(text: String) {
        #expect(PostgresURL(text) == nil)
    }
}
