import JSON
import Postgres

/// The statements behind each store call, run inside the caller's transaction.
extension PostgresModelStore {
    /// The model row (locked against a concurrent commit until the transaction ends, so the
    /// tensors read next belong to the same version) and its tensors: those in `paths` (nil:
    /// all), and of those only the ones written after `sinceVersion` (nil: any).
    /// - Returns: the row id and the model, nil when no model has that name.
    static func loadModel(
        _ name: String, paths: Set<String>?, sinceVersion: Int?, on connection: PostgresConnection
    ) throws -> (Int64, StoredModel)? {
        let row = try connection.execute("SELECT id, version, document FROM paramd_models WHERE name = $1 FOR SHARE", [.text(name)])
        guard row.rowCount == 1 else { return nil }
        let id = try row.int64(0, 0)
        let version = Int(try row.int64(0, 1))
        let document: JSONValue
        do {
            document = try JSONValue(parsing: row.text(0, 2))
        } catch {
            throw ModelStoreError.damaged(model: name, reason: "its document is not JSON: \(error)")
        }
        var sql = "SELECT path, array_to_string(shape, ','), data FROM paramd_tensors WHERE model_id = $1"
        var parameters: [PostgresValue] = [.int64(id)]
        if let paths {
            parameters.append(.text(arrayLiteral(paths.sorted())))
            sql += " AND path = ANY($\(parameters.count)::text[])"
        }
        if let sinceVersion {
            parameters.append(.int64(Int64(sinceVersion)))
            sql += " AND version > $\(parameters.count)"
        }
        let rows = try connection.execute(sql + " ORDER BY ordinal", parameters)
        var tensors: [StoredTensor] = []
        tensors.reserveCapacity(rows.rowCount)
        for index in 0..<rows.rowCount {
            let path = rows.text(index, 0)
            let shapeText = rows.text(index, 1)
            let shape = shapeText.isEmpty ? [] : shapeText.split(separator: ",").compactMap { Int($0) }
            let values = try rows.float32s(index, 2)
            guard values.count == shape.reduce(1, *) else {
                throw ModelStoreError.damaged(model: name, reason: "the tensor \(path) holds \(values.count) values, not shape \(shape)")
            }
            tensors.append(StoredTensor(path: path, shape: shape, values: values))
        }
        return (id, StoredModel(name: name, version: version, document: document, tensors: tensors))
    }

    /// - Returns: the new row id.
    static func create(_ model: StoredModel, on connection: PostgresConnection) throws -> Int64 {
        let inserted = Result { () throws(PostgresError) -> PostgresResult in
            try connection.execute(
                "INSERT INTO paramd_models (name, version, document) VALUES ($1, $2, $3) RETURNING id",
                Self.values(.text(model.name), .int64(Int64(model.version)), .text(model.document.jsonString)))
        }
        if case .failure(.serverError(let state, _)) = inserted, state == "23505" {  // unique_violation
            throw ModelStoreError.alreadyExists(model: model.name)
        }
        let id = try inserted.get().int64(0, 0)
        let version = PostgresValue.int64(Int64(model.version))
        for (ordinal, tensor) in model.tensors.enumerated() {
            let row: [PostgresValue] = [
                .int64(id), .text(tensor.path), .int64(Int64(ordinal)), .text(shapeLiteral(tensor.shape)), version,
                .float32s(tensor.values)
            ]
            try connection.execute(
                "INSERT INTO paramd_tensors (model_id, path, ordinal, shape, version, data) VALUES ($1, $2, $3, $4::bigint[], $5, $6)", row)
        }
        return id
    }

    /// Compare-and-set of the version, then only the tensors the commit names.
    /// - Returns: the row id.
    static func commit(_ commit: ModelCommit, on connection: PostgresConnection) throws -> Int64 {
        var document = PostgresValue.null
        if let changed = commit.document { document = .text(changed.jsonString) }
        let version = PostgresValue.int64(Int64(commit.version))
        let compareAndSet: [PostgresValue] = [.text(commit.name), .int64(Int64(commit.expectedVersion)), version, document]
        let updated = try connection.execute(
            """
            UPDATE paramd_models SET version = $3, document = coalesce($4, document), updated_at = now()
            WHERE name = $1 AND version = $2 RETURNING id
            """, compareAndSet)
        guard updated.rowCount == 1 else {
            throw try missingOrMoved(commit.name, expected: commit.expectedVersion, on: connection)
        }
        let id = try updated.int64(0, 0)
        for update in commit.tensors {
            if update.isWhole {
                try connection.execute(
                    """
                    INSERT INTO paramd_tensors (model_id, path, ordinal, shape, version, data)
                    VALUES ($1, $2, (SELECT coalesce(max(ordinal) + 1, 0) FROM paramd_tensors WHERE model_id = $1), $3::bigint[], $4, $5)
                    ON CONFLICT (model_id, path) DO UPDATE SET shape = excluded.shape, version = excluded.version, data = excluded.data
                    """,
                    Self.values(
                        .int64(id), .text(update.path), .text(shapeLiteral(update.shape)), version, .float32s(Array(update.elements))))
                continue
            }
            let start = update.range.lowerBound * 4 + 1
            let end = update.range.upperBound * 4
            let run: [PostgresValue] = [
                .int64(id), .text(update.path), .float32s(Array(update.elements)), .text(String(start)), version,
                .text(shapeLiteral(update.shape)), .int64(Int64(end))
            ]
            let changed = try connection.execute(
                """
                UPDATE paramd_tensors SET data = overlay(data PLACING $3 FROM $4::int4), version = $5
                WHERE model_id = $1 AND path = $2 AND shape = $6::bigint[] AND octet_length(data) >= $7
                """, run)
            guard changed.affectedRows == 1 else {
                throw ModelStoreError.damaged(
                    model: commit.name, reason: "version \(commit.version) changes elements of \(update.path) that are not stored")
            }
        }
        return id
    }

    /// - Returns: nil (the name no longer has a row).
    static func delete(_ name: String, expectedVersion: Int?, on connection: PostgresConnection) throws -> Int64? {
        var expected = PostgresValue.null
        if let expectedVersion { expected = .int64(Int64(expectedVersion)) }
        let deleted = try connection.execute(
            "DELETE FROM paramd_models WHERE name = $1 AND ($2::int8 IS NULL OR version = $2::int8) RETURNING id",
            Self.values(.text(name), expected))
        guard deleted.rowCount == 1 else {
            throw try missingOrMoved(name, expected: expectedVersion ?? 0, on: connection)
        }
        return nil
    }

    /// Why a compare-and-set matched no row: no such model, or another version.
    private static func missingOrMoved(_ name: String, expected: Int, on connection: PostgresConnection) throws -> ModelStoreError {
        let row = try connection.execute("SELECT version FROM paramd_models WHERE name = $1", [.text(name)])
        guard row.rowCount == 1 else { return .notFound(model: name) }
        return .versionConflict(model: name, expected: expected, found: Int(try row.int64(0, 0)))
    }

    /// Statement parameters, typed once (array literals of enum cases cost the type checker).
    static func values(_ values: PostgresValue...) -> [PostgresValue] { values }

    /// `{8,4}`: a shape as a bigint[] literal.
    static func shapeLiteral(_ shape: [Int]) -> String { "{" + shape.map(String.init).joined(separator: ",") + "}" }

    /// `{"0.weight","block 0.bias"}`: strings as a text[] literal, each quoted and escaped.
    static func arrayLiteral(_ items: [String]) -> String {
        let quoted = items.map { item in
            "\"" + item.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
        }
        return "{" + quoted.joined(separator: ",") + "}"
    }
}
