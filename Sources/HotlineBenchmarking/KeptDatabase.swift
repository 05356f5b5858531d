import Foundation
import GRDB
import HotlineSQLite

/// A large database that a benchmark loads once and keeps in its scratch folder between runs,
/// used again only while its schema is the one this build's migrations create.
public struct KeptDatabase: Sendable {
    /// The database file.
    public let path: String

    /// The kept database `path`, whose schema is compared with one made in `directory`.
    public init(path: String) {
        self.path = path
    }

    /// Whether the file exists with this build's schema once this build's migrations have run
    /// on it, as they would on a site's database (how long they took is printed); a file
    /// with another schema even then is removed (with its WAL and shared-memory files) so
    /// that the caller loads it again.
    public func isCurrent(scratch directory: String) throws -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return false }
        let before = try Self.schema(of: path)
        let start = Date()
        _ = try SQLiteTicketStore(path: path)
        let after = try Self.schema(of: path)
        if after != before {
            print(
                String(
                    format: "migrated the kept database to this build's schema in %.1f s",
                    Date().timeIntervalSince(start)
                )
            )
        }
        if after == (try Self.currentSchema(in: directory)) { return true }
        print("the kept database has another schema; loading it again")
        Self.remove(path)
        return false
    }

    /// Removes the database at `path` with its WAL and shared-memory files.
    public static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// The statements that create `database`'s tables and indexes, in a stable order.
    static func schema(of database: String) throws -> [String] {
        try DatabaseQueue(path: database).read { db in
            try String.fetchAll(
                db,
                sql:
                    "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_stat%' ORDER BY type, name"
            )
        }
    }

    /// The schema a new database gets from the daemon's migrations.
    static func currentSchema(in directory: String) throws -> [String] {
        let scratch = directory + "/schema.db"
        defer { remove(scratch) }
        _ = try SQLiteTicketStore(path: scratch)
        return try schema(of: scratch)
    }
}
