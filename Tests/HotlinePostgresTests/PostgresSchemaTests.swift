import Foundation
import HotlineCore
import HotlineTesting
import Logging
import PostgresNIO
import Testing

@testable import HotlinePostgres

/// Runs `body` with a database on a new, empty PostgreSQL database of the test server, its
/// pool running for as long as `body` does.
func withFreshDatabase<T: Sendable>(
    pools: Int = 1,
    _ body: @Sendable ([HotlineDatabase], String) async throws -> T
) async throws -> T {
    let url = try TestPostgres.freshDatabase()
    let location = try PostgresLocation(url: url)
    let databases = try (0..<pools).map { _ in
        try HotlineDatabase(location: location, password: nil, logger: Logger(label: "test"))
    }
    return try await withThrowingTaskGroup(of: T?.self) { group in
        for database in databases {
            group.addTask {
                await database.run()
                return nil
            }
        }
        let result = try await body(databases, url)
        group.cancelAll()
        return result
    }
}

@Suite(
    "The PostgreSQL schema on a real server",
    .enabled(if: TestPostgres.available, "scripts/test starts a PostgreSQL server (as root) for these")
)
struct PostgresSchemaTests {
    @Test("Migrations apply once, are recorded, and a second run applies nothing")
    func migrations() async throws {
        try await withFreshDatabase { databases, url in
            let database = databases[0]
            let first = try await database.migrate()
            #expect(first == PostgresSchema.migrations.map(\.name))
            #expect(try await database.migrate().isEmpty)
            #expect(try await database.appliedMigrations() == PostgresSchema.migrations.map(\.name))
            #expect(try TestPostgres.psql(url, "SELECT count(*) FROM hotline_migration") == "\(first.count)")
        }
    }

    @Test("Daemons starting together apply each migration exactly once")
    func concurrentMigrations() async throws {
        try await withFreshDatabase(pools: 4) { databases, url in
            let applied = try await withThrowingTaskGroup(of: [String].self) { group in
                for database in databases { group.addTask { try await database.migrate() } }
                return try await group.reduce([], +)
            }
            #expect(applied.sorted() == PostgresSchema.migrations.map(\.name).sorted())
            #expect(try TestPostgres.psql(url, "SELECT count(*) FROM ticket") == "0")
        }
    }

    @Test(
        "The schema holds the rules: enumerations, the idempotency key, keys, the status invariants, append-only events"
    )
    func invariants() async throws {
        try await withFreshDatabase { databases, url in
            try await databases[0].migrate()
            let columns = "id, channel, submission_id, status, priority, content, received_at"
            func ticket(_ id: String, channel: String = "hotline", key: String, status: String = "pending") -> String {
                "INSERT INTO ticket (\(columns)) VALUES ('\(id)', '\(channel)', '\(key)', '\(status)', 'normal', '停水', now())"
            }
            try TestPostgres.psql(url, ticket("20261202-0001", key: "k-1"))
            let refused: [(String, String)] = [
                (ticket("20261202-0002", channel: "fax", key: "k-2"), "ticket_channel_check"),
                (ticket("20261202-0003", key: "k-1"), "ticket_channel_submission_id_key"),
                (ticket("20261202-0004", key: "k-4", status: "dispatched"), "ticket_handled_has_unit"),
                (ticket("20261202-0005", key: "k-5", status: "closed"), "ticket_closed_has_outcome"),
                (
                    "INSERT INTO event (ticket_id, at, kind, actor_uid, role) VALUES ('nope', now(), 'claimed', 0, 'admin')",
                    "event_ticket_id_fkey"
                ),
                (
                    "INSERT INTO event (ticket_id, at, kind, actor_uid, role) VALUES ('20261202-0001', now(), 'lost', 0, 'admin')",
                    "event_kind_check"
                ),
            ]
            for (sql, constraint) in refused {
                #expect(throws: (any Error).self, "\(sql)") { try TestPostgres.psql(url, sql) }
                do {
                    try TestPostgres.psql(url, sql)
                } catch {
                    #expect("\(error)".contains(constraint), "\(sql): \(error)")
                }
            }
            try TestPostgres.psql(
                url,
                "INSERT INTO event (ticket_id, at, kind, actor_uid, role) VALUES ('20261202-0001', now(), 'submitted', 0, 'admin')"
            )
            for change in ["UPDATE event SET note = 'x'", "DELETE FROM event"] {
                #expect(throws: (any Error).self, "\(change)") { try TestPostgres.psql(url, change) }
            }
            #expect(try TestPostgres.psql(url, "SELECT count(*) FROM event") == "1")
        }
    }

    @Test("Ticket ids: each day its own sequence, made on first use; concurrent Submits never share one")
    func ticketNumbers() async throws {
        try await withFreshDatabase(pools: 1) { databases, url in
            let database = databases[0]
            try await database.migrate()
            let logger = Logger(label: "test")
            // 8 tasks × 25 numbers of one new day at once, and another day beside it.
            let numbers = try await withThrowingTaskGroup(of: [(String, String)].self) { group in
                for task in 0..<8 {
                    group.addTask {
                        var taken: [(String, String)] = []
                        let day = task == 7 ? "20261203" : "20261202"
                        for _ in 0..<25 {
                            let rows = try await database.client.query(
                                "SELECT hotline_next_ticket_id(\(day))",
                                logger: logger
                            )
                            for try await id in rows.decode(String.self) { taken.append((day, id)) }
                        }
                        return taken
                    }
                }
                return try await group.reduce([], +)
            }
            let first = numbers.filter { $0.0 == "20261202" }.map(\.1)
            let second = numbers.filter { $0.0 == "20261203" }.map(\.1)
            func ids(_ day: String, _ range: ClosedRange<Int>) -> [String] {
                range.map { day + "-" + String(repeating: "0", count: max(0, 4 - String($0).count)) + String($0) }
            }
            #expect(first.sorted() == ids("20261202", 1...175), "every number of the day once, none lost or shared")
            #expect(second.sorted() == ids("20261203", 1...25))
            #expect(try TestPostgres.psql(url, "SELECT last_value FROM ticket_number_20261202") == "175")
            #expect(try TestPostgres.psql(url, "SELECT last_value FROM ticket_number_20261203") == "25")
            #expect(throws: (any Error).self) {
                try TestPostgres.psql(url, "SELECT hotline_next_ticket_id('2026-12-02')")
            }
        }
    }

    @Test("Knowledge-base versions are kept by the schema: no kept version changes, no entry is deleted")
    func knowledgeVersionsKept() async throws {
        try await withFreshDatabase { databases, url in
            try await databases[0].migrate()
            let entry = """
                INSERT INTO knowledge_entry (seq, id, title, body, version, created_at, updated_at, updated_by)
                VALUES (1, 'K000001', '停水', '抢修', 1, now(), now(), 1002)
                """
            try TestPostgres.psql(url, entry)
            // The next version, the right way: keep version 1, then write version 2.
            try TestPostgres.psql(
                url,
                """
                INSERT INTO knowledge_version (entry_id, version, title, body, category, keywords, created_at, updated_at,
                    updated_by, retired, valid_until, note, uses)
                SELECT id, version, title, body, category, keywords, created_at, updated_at, updated_by, retired,
                    valid_until, note, uses FROM knowledge_entry WHERE id = 'K000001';
                UPDATE knowledge_entry SET body = '抢修热线', version = 2 WHERE id = 'K000001'
                """
            )
            let refused = [
                "UPDATE knowledge_version SET body = 'x'",
                "DELETE FROM knowledge_version",
                "DELETE FROM knowledge_entry",
                "UPDATE knowledge_entry SET body = 'x'",
                "UPDATE knowledge_entry SET body = 'x', version = 3",
                "UPDATE knowledge_entry SET uses = -1",
            ]
            for sql in refused {
                #expect(throws: (any Error).self, "\(sql)") { try TestPostgres.psql(url, sql) }
            }
            try TestPostgres.psql(url, "UPDATE knowledge_entry SET uses = uses + 1")
            #expect(
                try TestPostgres.psql(url, "SELECT version || ' ' || body || ' ' || uses FROM knowledge_entry")
                    == "2 抢修热线 1"
            )
            // An open import's entries may go (the import discarded); a committed one's not.
            try TestPostgres.psql(url, "INSERT INTO knowledge_import (id, started_at, uid) VALUES ('I1', now(), 1002)")
            try TestPostgres.psql(
                url,
                """
                INSERT INTO knowledge_entry (seq, id, title, body, version, created_at, updated_at, updated_by, import_id)
                VALUES (2, 'K000002', '路灯', '报修', 1, now(), now(), 1002, 'I1'),
                       (3, 'K000003', '井盖', '警示', 1, now(), now(), 1002, 'I1')
                """
            )
            try TestPostgres.psql(url, "DELETE FROM knowledge_entry WHERE id = 'K000002'")
            try TestPostgres.psql(url, "DELETE FROM knowledge_import WHERE id = 'I1'")
            #expect(throws: (any Error).self) {
                try TestPostgres.psql(url, "DELETE FROM knowledge_entry WHERE id = 'K000003'")
            }
            #expect(try TestPostgres.psql(url, "SELECT count(*) FROM knowledge_entry") == "2")
        }
    }
}
