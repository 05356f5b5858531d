import Foundation
import HotlinePostgres

/// A loaded benchmark database kept on the server as a template database between runs, used
/// again only while its migrations are the ones this build's daemon applied to the freshly
/// migrated working database (they are kept in the template's comment).
struct PostgresTemplate {
    /// The working database's URL (`postgresql://USER@/DB?host=FOLDER`).
    let url: String
    /// The template database's name.
    let name: String

    /// The working database's name.
    private var working: String {
        let path = url.split(separator: "?")[0]
        return String(path.split(separator: "/").last ?? "")
    }

    /// The URL of the server's `postgres` database, from which databases are created and dropped.
    private var maintenance: String { url.replacingOccurrences(of: "/\(working)?", with: "/postgres?") }

    /// The migrations applied to the working database.
    private func migrations() throws -> String {
        try PostgresLoad.psql(url, "SELECT string_agg(name, ',' ORDER BY name) FROM hotline_migration")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Replaces the (freshly migrated) working database with a copy of the template; false
    /// when there is no template with the same migrations (an outdated one is dropped).
    func copy() throws -> Bool {
        let applied = try migrations()
        let kept = try PostgresLoad.psql(
            maintenance,
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '\(name)'"
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        guard kept == applied else {
            if !kept.isEmpty {
                print("the kept database has other migrations; loading it again")
                try PostgresLoad.psql(maintenance, "DROP DATABASE \(name)")
            }
            return false
        }
        try PostgresLoad.psql(maintenance, "DROP DATABASE \(working)")
        try PostgresLoad.psql(maintenance, "CREATE DATABASE \(working) TEMPLATE \(name)")
        return true
    }

    /// The floor of the sweep: on a second copy of the template, the warm-up's due-soon checks
    /// before `passAt` removed and the checks to take read once (in memory, as the daemon's
    /// warm-up sweep leaves them), the server alone takes the `simultaneous` checks that pass at
    /// `passAt` with hotlined's own sweep statement (locked, deleted, their passings written,
    /// their rows returned), in one transaction, with no daemon in between; returns
    /// the milliseconds psql measured for it.
    func sweepFloor(passAt: Int64, simultaneous: Int) throws -> Double {
        let floor = "\(name)_floor"
        try PostgresLoad.psql(maintenance, "DROP DATABASE IF EXISTS \(floor)")
        try PostgresLoad.psql(maintenance, "CREATE DATABASE \(floor) TEMPLATE \(name)")
        defer { _ = try? PostgresLoad.psql(maintenance, "DROP DATABASE \(floor)") }
        let url = url.replacingOccurrences(of: "/\(working)?", with: "/\(floor)?")
        try PostgresLoad.psql(
            url,
            """
            DELETE FROM deadline_check WHERE fire_at < hotline_time(\(passAt));
            VACUUM ANALYZE deadline_check;
            SELECT count(*) FROM (SELECT * FROM deadline_check WHERE fire_at <= hotline_time(\(passAt + 1))
                ORDER BY fire_at, ticket_id, kind, stage LIMIT \(simultaneous)) AS warm;
            """
        )
        let output = try PostgresLoad.psql(
            url,
            """
            PREPARE sweep(bigint, bigint) AS \(PostgresTicketStore.sweepBatchSQL);
            \\timing on
            BEGIN;
            EXECUTE sweep(\(passAt + 1), \(simultaneous));
            COMMIT;
            """
        )
        // psql prints a "Time: N ms" line after each statement: BEGIN, the sweep, COMMIT.
        let times = output.split(separator: "\n").compactMap { line -> Double? in
            guard line.hasPrefix("Time: ") else { return nil }
            return Double(line.dropFirst("Time: ".count).split(separator: " ")[0])
        }
        guard times.count == 3 else { throw PostgresLoadError(status: -1) }
        return times.reduce(0, +)
    }

    /// Keeps a copy of the loaded working database as the template.
    func keep() throws {
        let applied = try migrations()
        try PostgresLoad.psql(maintenance, "CREATE DATABASE \(name) TEMPLATE \(working)")
        try PostgresLoad.psql(maintenance, "COMMENT ON DATABASE \(name) IS '\(applied)'")
    }
}
