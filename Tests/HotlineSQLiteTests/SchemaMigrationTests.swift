import Foundation
import GRDB
import HotlineStore
import Testing

@testable import HotlineCore
@testable import HotlineSQLite

@Suite("Schema migrations")
struct SchemaMigrationTests {
    @Test("A CHECK list becomes a chain of equalities accepting the same values")
    func expandedLists() {
        #expect(
            CheckConstraintRewrite.expandingINLists("kind TEXT NOT NULL CHECK (kind IN ('a', 'b_c', 'd'))")
                == "kind TEXT NOT NULL CHECK ((kind = 'a' OR kind = 'b_c' OR kind = 'd'))"
        )
        #expect(
            CheckConstraintRewrite.expandingINLists("CHECK (rating IS NULL OR rating IN ('good'))")
                == "CHECK (rating IS NULL OR (rating = 'good'))"
        )
        #expect(
            CheckConstraintRewrite.expandingINLists("overdue INTEGER CHECK (overdue IN (0, 1))")
                == "overdue INTEGER CHECK ((overdue = 0 OR overdue = 1))"
        )
        let untouched = "CHECK ((status = 'closed') = (closedAs IS NOT NULL)), CHECK (length(submissionId) > 0)"
        #expect(CheckConstraintRewrite.expandingINLists(untouched) == untouched)
    }

    @Test("A database from before the CHECK rewrite migrates in place: rows kept, every rule still enforced")
    func rewriteInPlace() async throws {
        // The schema as the previous release left it, with a ticket and its event.
        let earlier = try await EarlierDatabase(
            upTo: "v3-overdue-index",
            rows: """
                INSERT INTO ticket (id, channel, submissionId, status, priority, content, receivedAt, rating)
                VALUES ('20260921-0001', 'hotline', 'call-1', 'pending', 'normal', '停水', 1790000000000, NULL);
                INSERT INTO event (ticketId, at, kind, actorUid, role, unit, note)
                VALUES ('20260921-0001', 1790000000000, 'submitted', 0, 'operator', NULL, 'hotline');
                """
        )
        let path = earlier.path
        #expect(
            try await DatabaseQueue(path: path).read { db in
                try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE name = 'event'")
            }?.contains("kind IN (") == true
        )

        let store = try SQLiteTicketStore(path: path)
        #expect(try store.appliedMigrations().contains("v4-checks-without-in-lists"))
        let (ticket, events) = try await store.ticket("20260921-0001", visibleTo: admin)
        #expect(ticket.submissionId == "call-1" && ticket.status == .pending)
        #expect(events.map(\.kind) == [.submitted])

        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
            for table in ["ticket", "event", "deadline"] {
                let sql =
                    try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE name = ?", arguments: [table])
                    ?? ""
                #expect(!sql.contains(" IN ("), "\(table): \(sql)")
            }
            // The same rules: an unknown event kind, ticket rating or deadline kind is refused.
            #expect(throws: DatabaseError.self) {
                try db.execute(
                    sql:
                        "INSERT INTO event (ticketId, at, kind, actorUid, role) VALUES ('20260921-0001', 1, 'bogus', 0, 'operator')"
                )
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "UPDATE ticket SET rating = 'great' WHERE id = '20260921-0001'")
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "UPDATE ticket SET overdue = 2 WHERE id = '20260921-0001'")
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(
                    sql: """
                        INSERT INTO deadline (ticketId, kind, startAt, warnAt, dueAt)
                        VALUES ('20260921-0001', 'late', 1, 2, 3)
                        """
                )
            }
            // And a known one is accepted.
            try db.execute(
                sql:
                    "INSERT INTO event (ticketId, at, kind, actorUid, role) VALUES ('20260921-0001', 2, 'dispatched', 0, 'operator')"
            )
            try db.execute(sql: "UPDATE ticket SET rating = 'satisfied' WHERE id = '20260921-0001'")
        }
    }
}

@Suite("Schema migrations: deadlines in time order")
struct DeadlineCheckMigrationTests {
    @Test(
        "Running deadlines become checks by their state, carrying the ticket's flags; a past overdue event is shown once"
    )
    func checksFromStates() async throws {
        let earlier = try await EarlierDatabase(
            upTo: "v4-checks-without-in-lists",
            rows: """
                INSERT INTO ticket (id, channel, submissionId, status, priority, content, receivedAt, unit, coUnits, overdue, unitOverdue)
                VALUES ('20260921-0001', 'hotline', 'call-1', 'dispatched', 'normal', '停水', 0, 'water', '["gas"]', 1, 1);
                INSERT INTO event (ticketId, at, kind, actorUid, role, unit, note)
                VALUES ('20260921-0001', 0, 'submitted', 0, 'operator', NULL, 'hotline'),
                       ('20260921-0001', 61, 'overdue', 0, 'system', 'water', 'phase');
                INSERT INTO deadline (ticketId, kind, startAt, warnAt, dueAt, state, nextCheck) VALUES
                    ('20260921-0001', 'claim', 0, 100, 200, 'open', 100),
                    ('20260921-0001', 'resolve', 0, 150, 1000, 'warned', 1001),
                    ('20260921-0001', 'phase', 0, 50, 60, 'passed', NULL);
                """
        )
        let path = earlier.path

        let store = try SQLiteTicketStore(path: path)
        let queue = try DatabaseQueue(path: path)
        let checks = try await queue.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT fireAt, kind, stage, unit, coUnits, unitOverdue, resolveOverdue FROM deadlineCheck ORDER BY fireAt"
            ).map {
                "\($0[0] as Int64) \($0[1] as String) \($0[2] as String) \($0[3] as String) \($0[4] as String) \($0[5] as Int64)\($0[6] as Int64)"
            }
        }
        #expect(
            checks == [
                "100 claim warn water [\"gas\"] 10", "201 claim due water [\"gas\"] 10",
                "1001 resolve due water [\"gas\"] 10",
            ]
        )
        #expect(try await queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM deadlinePassed") } == 0)
        let (ticket, history) = try await store.ticket("20260921-0001", visibleTo: admin)
        #expect(ticket.overdue && ticket.unitOverdue && !ticket.resolveOverdue)
        #expect(history.map(\.kind) == [.submitted, .overdue])

        // The next sweep finds the two deadlines left; the ticket already counted against its unit.
        let figures = "SELECT overdue, claimDue, replyDue FROM unitHour WHERE unit = 'water'"
        #expect(
            try await queue.read { db in try Row.fetchAll(db, sql: figures).map { [$0[0], $0[1], $0[2]] as [Int] } }
                == [[1, 0, 0]]
        )
        let swept = try await store.sweepBatch(at: Date(millis: 1001), warnFraction: 0.8)
        #expect(swept.examined == 3)
        #expect(swept.passed.map(\.kind) == [.claim, .resolve])
        #expect(
            swept.notices.map(\.kind) == [.overdue, .overdue]
                && swept.notices.allSatisfy { $0.unit == "water" && $0.coUnits == ["gas"] }
        )
        // Already counted overdue; now past its claim and due times unclaimed.
        #expect(
            try await queue.read { db in try Row.fetchAll(db, sql: figures).map { [$0[0], $0[1], $0[2]] as [Int] } }
                == [[1, 1, 1]]
        )
        #expect(try await store.nextDeadlineCheck() == nil)
    }
}

@Suite("Schema migrations: Stats by known outcome")
struct KnownOutcomeMigrationTests {
    @Test(
        "A missed claim of the current dispatch becomes claimOverdue, and the hour rollup is rebuilt from the tickets"
    )
    func claimOverdueAndRollup() async throws {
        let hour: Int64 = 3_600_000
        let earlier = try await EarlierDatabase(
            upTo: "v5-deadline-checks-in-time-order",
            rows: """
                INSERT INTO ticket (id, channel, submissionId, status, priority, content, receivedAt, unit, dispatchedAt, claimBy,
                                    claimedAt, repliedAt, dueBy, overdue, unitOverdue, resolveOverdue)
                VALUES ('20260921-0001', 'hotline', 'late', 'dispatched', 'normal', '停水', 0, 'water', 0, 100, NULL, NULL, 9000000, 1, 1, 0),
                       ('20260921-0002', 'hotline', 'redispatched', 'dispatched', 'normal', '停水', 10, 'water', 60, 7200000, NULL, NULL, 9000000, 1, 1, 0),
                       ('20260921-0003', 'hotline', 'replied', 'replied', 'normal', '停水', \(hour + 5), 'power', \(hour + 6), \(hour + 100),
                        \(hour + 50), \(hour + 70), 9000000, 0, 0, 0);
                INSERT INTO event (ticketId, at, kind, actorUid, role, unit, note)
                VALUES ('20260921-0001', 101, 'overdue', 0, 'system', 'water', 'claim'),
                       ('20260921-0002', 50, 'overdue', 0, 'system', 'water', 'claim'),
                       ('20260921-0003', \(hour + 60), 'replied', 2002, 'unit', 'power', '先修好了'),
                       ('20260921-0003', \(hour + 70), 'replied', 2002, 'unit', 'power', '已处理');
                """
        )
        let store = try SQLiteTicketStore(path: earlier.path)
        let queue = try DatabaseQueue(path: earlier.path)
        #expect(
            try await queue.read { db in try Int.fetchAll(db, sql: "SELECT claimOverdue FROM ticket ORDER BY id") } == [
                1, 0, 0,
            ]
        )
        // Every earlier reply was a unit's; the latest one is the result.
        let answers = try await queue.read { db in
            try Row.fetchAll(db, sql: "SELECT answeredBy, result FROM ticket ORDER BY id").map {
                [$0[0], $0[1]] as [String?]
            }
        }
        #expect(answers == [[nil, nil], [nil, nil], ["unit", "已处理"]])
        #expect(
            try await queue.read { db in try Int.fetchAll(db, sql: "SELECT hour FROM unitHour ORDER BY hour, unit") }
                == [0, 1]
        )
        let units = ["water", "power"]
        let rolled = try await store.stats(from: Date(millis: 0), to: Date(millis: 2 * hour), units: units)
        let scanned = try await store.scannedStats(from: Date(millis: 0), to: Date(millis: 2 * hour), units: units)
        #expect(Set(rolled) == Set(scanned))
        let water = try #require(rolled.first { $0.unit == "water" })
        let power = try #require(rolled.first { $0.unit == "power" })
        // The late claim is known (and missed); the re-dispatched ticket is inside its new window.
        #expect(water.dispatched == 2 && water.claimDue == 1 && water.claimedOnTime == 0 && water.responseRate == 0)
        #expect(power.claimDue == 1 && power.claimedOnTime == 1 && power.replyDue == 1 && power.repliedOnTime == 1)
    }
}

@Suite("Schema migrations: urging")
struct UrgingMigrationTests {
    @Test("An earlier release's event table, whose CHECK lacks 'urged', accepts urged events after the migration")
    func eventKindWidened() async throws {
        let earlier = try await EarlierDatabase(
            upTo: "v5-deadline-checks-in-time-order",
            rows: """
                INSERT INTO ticket (id, channel, submissionId, status, priority, content, receivedAt, unit, coUnits,
                                    dispatchedAt, claimBy, dueBy)
                VALUES ('20260921-0001', 'hotline', 'call-1', 'dispatched', 'normal', '停水', \(noon.millis), 'water', '[]',
                        \(noon.millis), \(noon.millis + 7_200_000), \(noon.millis + 864_000_000));
                """
        )
        // The kinds an earlier release knew: all but urged.
        let queue = try DatabaseQueue(path: earlier.path)
        let known = TicketEventKind.allCases.filter { $0 != .urged }.map(\.rawValue)
        try await queue.write { db in
            try CheckConstraintRewrite.rewrite(["event"], db) {
                CheckConstraintRewrite.widening($0, column: "kind", to: known)
            }
        }
        #expect(throws: DatabaseError.self) {
            try queue.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO event (ticketId, at, kind, actorUid, role) VALUES ('20260921-0001', 1, 'urged', 0, 'operator')"
                )
            }
        }

        let store = try SQLiteTicketStore(path: earlier.path)
        let f = try StoreFixture()
        let operatorCaller = Caller(credentials: PeerCredentials(uid: 1001, gid: 1001), role: .operator)
        let transition = try await store.apply(
            .urge(note: "再次来电"),
            to: "20260921-0001",
            lifecycle: f.lifecycle,
            by: operatorCaller,
            at: noon.addingTimeInterval(60)
        )
        #expect(transition.ticket.urged == 1 && transition.events.map(\.kind) == [.urged])
        let (ticket, history) = try await store.ticket("20260921-0001", visibleTo: admin)
        #expect(ticket.urged == 1 && history.last?.kind == .urged)
        #expect(try await queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } == ["ok"])
        // Every other rule of the table still holds.
        #expect(throws: DatabaseError.self) {
            try queue.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO event (ticketId, at, kind, actorUid, role) VALUES ('20260921-0001', 2, 'bogus', 0, 'operator')"
                )
            }
        }
    }

    @Test("Widening replaces the chain of the named column only")
    func widening() {
        let sql = "kind TEXT CHECK ((kind = 'a' OR kind = 'b')), role TEXT CHECK ((role = 'a'))"
        #expect(
            CheckConstraintRewrite.widening(sql, column: "kind", to: ["a", "b", "c"])
                == "kind TEXT CHECK ((kind = 'a' OR kind = 'b' OR kind = 'c')), role TEXT CHECK ((role = 'a'))"
        )
        #expect(CheckConstraintRewrite.widening("x TEXT", column: "kind", to: ["a"]) == "x TEXT")
    }
}

@Suite("Schema migrations: search")
struct SearchMigrationTests {
    @Test("An earlier release's tickets are found by their words and by phone in any writing after the migration")
    func indexedAndNormalised() async throws {
        let earlier = try await EarlierDatabase(
            upTo: "v5-deadline-checks-in-time-order",
            rows: """
                INSERT INTO ticket (id, channel, submissionId, status, priority, title, content, citizenPhone, address,
                                    receivedAt)
                VALUES ('20260921-0001', 'hotline', 'a', 'pending', 'normal', NULL, '小区停水三天了', '+86 138-1234-5678',
                        '岳阳楼区KFC对面', 1000),
                       ('20260921-0002', 'mailbox', 'b', 'pending', 'normal', '停水通知', '路灯不亮', '13812345678', NULL, 2000),
                       ('20260921-0003', 'hotline', 'c', 'pending', 'normal', NULL, '井盖缺失', '0730-8223344', NULL, 3000);
                """
        )
        let store = try SQLiteTicketStore(path: earlier.path)
        func ids(_ query: SearchQuery) async throws -> [String] {
            try await store.search(query, visibleTo: admin).tickets.map(\.id)
        }
        // Every ticket waits in the queue (read directly), then is indexed: the same answers.
        #expect(try await store.searchQueueLength() == 3)
        for indexed in [false, true] {
            if indexed {
                while try await store.indexQueuedForSearch(limit: 2) > 0 {}
                #expect(try await store.searchQueueLength() == 0)
            }
            var text = SearchQuery()
            text.words = SearchTerms.words("停水")
            #expect(try await ids(text) == ["20260921-0002", "20260921-0001"], "indexed: \(indexed)")
            text.words = SearchTerms.words("KFC 对面")
            #expect(try await ids(text) == ["20260921-0001"], "indexed: \(indexed)")
            text.words = SearchTerms.words("停水 路灯")
            #expect(try await ids(text) == ["20260921-0002"], "indexed: \(indexed)")
            var phone = SearchQuery()
            phone.phoneDigits = PhoneNumber.digits("0086 13812345678")
            #expect(try await ids(phone) == ["20260921-0002", "20260921-0001"])
            phone.phoneDigits = PhoneNumber.digits("07308223344")
            #expect(try await store.search(phone, visibleTo: admin).total == 1)
        }
        // The phone look-up goes through its index, the text through the full-text table.
        let plan = try await DatabaseQueue(path: earlier.path).read { db in
            try Row.fetchAll(
                db,
                sql: "EXPLAIN QUERY PLAN SELECT id FROM ticket WHERE \(PhoneNumber.sqlDigits("citizenPhone")) = '1'"
            ).map { $0["detail"] as String }
        }
        #expect(plan.joined().contains("ticket_phone_digits"), "\(plan)")
    }

    @Test("The index of the release before, with its copy of the tokens, is replaced; every ticket indexed again")
    func contentlessIndex() async throws {
        let earlier = try await EarlierDatabase(
            upTo: "v6-stats-by-known-outcome",
            rows: """
                INSERT INTO ticket (id, channel, submissionId, status, priority, title, content, address, result,
                                    answeredBy, centreAnswered, receivedAt, repliedAt, ratingBy)
                VALUES ('20260921-0001', 'hotline', 'a', 'replied', 'normal', NULL, '小区停水三天了', NULL,
                        '已告知停水原因', 'centre', 1, 1000, 1500, 999999999),
                       ('20260921-0002', 'mailbox', 'b', 'pending', 'normal', NULL, '路灯不亮', NULL, NULL, NULL, 0,
                        2000, NULL, NULL);
                DELETE FROM searchQueue WHERE seq = (SELECT seq FROM ticket WHERE id = '20260921-0001');
                INSERT INTO ticketText (rowid, tokens)
                    SELECT seq, '小区 区停 停水 水三 三天 天了 已告 告知 知停 水原 原因' FROM ticket WHERE id = '20260921-0001';
                """
        )
        let store = try SQLiteTicketStore(path: earlier.path)
        let table = try await DatabaseQueue(path: earlier.path).read { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE name = 'ticketText'") ?? ""
        }
        #expect(table.contains("content = ''") && table.contains("columnsize = 0"), "\(table)")
        #expect(try await store.searchQueueLength() == 2)
        func ids(_ text: String) async throws -> [String] {
            var query = SearchQuery()
            query.words = SearchTerms.words(text)
            return try await store.search(query, visibleTo: admin).tickets.map(\.id)
        }
        for indexed in [false, true] {
            if indexed { while try await store.indexQueuedForSearch(limit: 1) > 0 {} }
            #expect(try await ids("停水") == ["20260921-0001"], "indexed: \(indexed)")
            #expect(try await ids("告知") == ["20260921-0001"], "indexed: \(indexed)")
            #expect(try await ids("路灯") == ["20260921-0002"], "indexed: \(indexed)")
            #expect(try await ids("灯不亮") == ["20260921-0002"], "indexed: \(indexed)")
        }
        #expect(try await store.searchQueueLength() == 0)
    }
}

/// A database file in a fresh temporary folder as an earlier release left it: migrated up to
/// `migration` only, holding `rows`. The folder goes with the value.
final class EarlierDatabase {
    let directory: URL
    var path: String { directory.appendingPathComponent("hotline.db").path }

    init(upTo migration: String, rows sql: String) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hotline-migration-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: directory.appendingPathComponent("hotline.db").path)
        try Schema.migrator.migrate(queue, upTo: migration)
        try await queue.write { db in try db.execute(sql: sql) }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}
