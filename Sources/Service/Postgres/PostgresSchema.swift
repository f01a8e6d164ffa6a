import Postgres

/// paramd's tables in PostgreSQL, created and migrated by the first replica that starts.
///
/// `paramd_migrations` records each applied version; replicas that start together take one
/// advisory lock (`pg_advisory_xact_lock`) around the check-and-apply, so exactly one applies
/// a migration and the others find it applied. Each migration runs in its own transaction with
/// its version row, so a crash half-way leaves the schema at the previous version.
enum PostgresSchema {
    /// The advisory lock's key: "paramd" in ASCII, so other applications' keys do not collide.
    static let lockKey: Int64 = 0x7061_7261_6D64

    /// The NOTIFY channel every commit announces on, payload `"<version> <model>"` (0: deleted).
    static let channel = "paramd_commits"

    /// In order, each a list of statements; never edit one that has shipped, add the next.
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE paramd_models (
                id bigserial PRIMARY KEY,
                name text NOT NULL UNIQUE,
                version bigint NOT NULL CHECK (version >= 1),
                document text NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE paramd_tensors (
                model_id bigint NOT NULL REFERENCES paramd_models (id) ON DELETE CASCADE,
                path text NOT NULL,
                ordinal integer NOT NULL,
                shape bigint[] NOT NULL,
                version bigint NOT NULL,
                data bytea NOT NULL,
                PRIMARY KEY (model_id, path)
            )
            """,
            "CREATE INDEX paramd_tensors_by_version ON paramd_tensors (model_id, version)",
            // Float32 data does not compress: store it out of line as is, which also lets a partial
            // update rewrite it without a decompress/compress round.
            "ALTER TABLE paramd_tensors ALTER COLUMN data SET STORAGE EXTERNAL"
        ]
    ]

    /// Brings the schema to the latest version; safe to run from any number of replicas at once.
    /// - Returns: the schema version now in force.
    @discardableResult
    static func migrate(_ connection: PostgresConnection) throws -> Int {
        try connection.transaction {
            try connection.execute("SELECT pg_advisory_xact_lock($1)", [.int64(lockKey)])
            try connection.execute(
                "CREATE TABLE IF NOT EXISTS paramd_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
            let applied = Int(try connection.execute("SELECT coalesce(max(version), 0)::int8 FROM paramd_migrations").int64(0, 0))
            guard applied <= migrations.count else {
                throw PostgresError.unexpectedResult(
                    "the database's paramd schema is at version \(applied), newer than this paramd knows (\(migrations.count)): upgrade paramd"
                )
            }
            for version in (applied + 1)..<(migrations.count + 1) {
                for statement in migrations[version - 1] { try connection.execute(statement) }
                try connection.execute("INSERT INTO paramd_migrations (version) VALUES ($1)", [.int64(Int64(version))])
            }
            return migrations.count
        }
    }
}
