import Foundation
import GRDB
import Testing
@testable import HotlineCore
@testable import HotlineStore

@Suite("Schema migrations")
struct SchemaMigrationTests {
    @Test("A CHECK list becomes a chain of equalities accepting the same values")
    func expandedLists() {
        #expect(CheckConstraintRewrite.expandingINLists("kind TEXT NOT NULL CHECK (kind IN ('a', 'b_c', 'd'))")
                == "kind TEXT NOT NULL CHECK ((kind = 'a' OR kind = 'b_c' OR kind = 'd'))")
        #expect(CheckConstraintRewrite.expandingINLists("CHECK (rating IS NULL OR rating IN ('good'))")
                == "CHECK (rating IS NULL OR (rating = 'good'))")
        #expect(CheckConstraintRewrite.expandingINLists("overdue INTEGER CHECK (overdue IN (0, 1))")
                == "overdue INTEGER CHECK ((overdue = 0 OR overdue = 1))")
        let untouched = "CHECK ((status = 'closed') = (closedAs IS NOT NULL)), CHECK (length(submissionId) > 0)"
        #expect(CheckConstraintRewrite.expandingINLists(untouched) == untouched)
    }

    @Test("A database from before the CHECK rewrite migrates in place: rows kept, every rule still enforced")
    func rewriteInPlace() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("hotline.db").path

        // The schema as the previous release left it, with a ticket and its event.
        do {
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v3-overdue-index")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO ticket (id, channel, submissionId, status, priority, content, receivedAt, rating)
                    VALUES ('20260921-0001', 'hotline', 'call-1', 'pending', 'normal', '停水', 1790000000000, NULL);
                    INSERT INTO event (ticketId, at, kind, actorUid, role, unit, note)
                    VALUES ('20260921-0001', 1790000000000, 'submitted', 0, 'operator', NULL, 'hotline');
                    """)
            }
            #expect(try await queue.read { db in try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE name = 'event'") }?
                .contains("kind IN (") == true)
        }

        let store = try TicketStore(path: path)
        #expect(try store.appliedMigrations().last == "v4-checks-without-in-lists")
        let (ticket, events) = try await store.ticket("20260921-0001", visibleTo: admin)
        #expect(ticket.submissionId == "call-1" && ticket.status == .pending)
        #expect(events.map(\.kind) == [.submitted])

        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
            for table in ["ticket", "event", "deadline"] {
                let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE name = ?", arguments: [table]) ?? ""
                #expect(!sql.contains(" IN ("), "\(table): \(sql)")
            }
            // The same rules: an unknown event kind, ticket rating or deadline state is refused.
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO event (ticketId, at, kind, actorUid, role) VALUES ('20260921-0001', 1, 'bogus', 0, 'operator')")
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "UPDATE ticket SET rating = 'great' WHERE id = '20260921-0001'")
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "UPDATE ticket SET overdue = 2 WHERE id = '20260921-0001'")
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: """
                    INSERT INTO deadline (ticketId, kind, startAt, warnAt, dueAt, state, nextCheck)
                    VALUES ('20260921-0001', 'resolve', 1, 2, 3, 'late', 2)
                    """)
            }
            // And a known one is accepted.
            try db.execute(sql: "INSERT INTO event (ticketId, at, kind, actorUid, role) VALUES ('20260921-0001', 2, 'dispatched', 0, 'operator')")
            try db.execute(sql: "UPDATE ticket SET rating = 'satisfied' WHERE id = '20260921-0001'")
        }
    }
}
