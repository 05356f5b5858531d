import GRDB

/// Rewrites the `CHECK (column IN (list))` constraints of existing tables as chains of
/// equalities, in place.
///
/// SQLite evaluates `x IN ('a', 'b', …)` by filling a temporary lookup table, and a CHECK
/// constraint does that again for every row written: on this schema that was ≈ 6 µs per row
/// of `event` and about a quarter of the writer's time per Submit. `(x = 'a' OR x = 'b' …)`
/// accepts exactly the same values (NULL still passes, as a CHECK on NULL does) and costs a
/// few comparisons.
///
/// The stored rows are not touched: the table definitions in `sqlite_schema` are edited
/// with `writable_schema`, the procedure SQLite documents for changes that leave the file's
/// content valid ("Making Other Kinds Of Table Schema Changes"): every stored row already
/// satisfies the old constraints, hence the new ones, which are the same rules.
enum CheckConstraintRewrite {
    /// `column IN ('a', 'b')` or `column IN (0, 1)`, as the schema writes them.
    nonisolated(unsafe) private static let inList =
        #/(?<column>[A-Za-z_][A-Za-z0-9_]*) IN \((?<values>(?:'[^']*'|-?[0-9]+)(?:, (?:'[^']*'|-?[0-9]+))*)\)/#

    /// `sql` with every `column IN (literal, …)` replaced by `(column = literal OR …)`.
    static func expandingINLists(_ sql: String) -> String {
        sql.replacing(inList) { match in
            let column = String(match.output.column)
            let values = match.output.values.split(separator: ", ")
            return "(" + values.map { "\(column) = \($0)" }.joined(separator: " OR ") + ")"
        }
    }

    /// Rewrites the definitions of `tables` inside the caller's transaction, bumps the
    /// schema version so every connection reloads it, and checks that SQLite reads the new
    /// definitions back.
    static func apply(to tables: [String], _ db: Database) throws {
        try rewrite(tables, db, with: expandingINLists)
    }

    /// `sql` with the chain of equalities that lists `column`'s values (as
    /// ``expandingINLists(_:)`` writes it) replaced by one listing `values`: a new enum case
    /// widens the CHECK of a table made by an earlier release. Unchanged when no chain is found.
    static func widening(_ sql: String, column: String, to values: [String]) -> String {
        let chain = try! Regex("\\(\(column) = '[^']*'(?: OR \(column) = '[^']*')*\\)")
        let wanted = "(" + values.map { "\(column) = '\($0)'" }.joined(separator: " OR ") + ")"
        guard let match = sql.firstMatch(of: chain) else { return sql }
        return sql.replacingCharacters(in: match.range, with: wanted)
    }

    /// Replaces the definitions of `tables` with `transform` of them, inside the caller's
    /// transaction; bumps the schema version so every connection reloads it, and checks that
    /// SQLite reads the new definitions back. `transform` must keep every stored row valid.
    static func rewrite(_ tables: [String], _ db: Database, with transform: (String) -> String) throws {
        let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
        try db.execute(sql: "PRAGMA writable_schema = ON")
        for table in tables {
            guard
                let sql = try String.fetchOne(
                    db,
                    sql: "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?",
                    arguments: [table]
                )
            else { continue }
            try db.execute(
                sql: "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?",
                arguments: [transform(sql), table]
            )
        }
        try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
        try db.execute(sql: "PRAGMA writable_schema = OFF")
        for table in tables {
            _ = try Row.fetchOne(db, sql: "SELECT * FROM \(table) LIMIT 1")
        }
    }
}
