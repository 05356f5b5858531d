import Foundation
import GRDB
import HotlineStore
import Testing

@testable import HotlineCore
@testable import HotlineSQLite

/// The SLA clock's queue of checks, the passings it records, and their folding into the tickets.
@Suite("Deadline checks, passings and folding")
struct DeadlineQueueTests {
    /// A ticket for water (co-handled by gas), submitted at noon.
    static func submitted(_ f: StoreFixture, _ key: String = "a") async throws -> Ticket {
        try await f.store.submit(
            Submission(channel: .hotline, submissionId: key, content: "停水"),
            lifecycle: f.lifecycle,
            by: admin,
            at: noon
        ).ticket
    }

    @Test("A passed deadline is read as overdue at once, counted once for its unit, and reads the same after folding")
    func passingThenFold() async throws {
        let f = try StoreFixture()
        let calendar = f.lifecycle.configuration.calendar
        let ticket = try await Self.submitted(f)
        let other = try await Self.submitted(f, "b")
        let dueBy = try #require(ticket.dueBy)
        #expect(try await f.store.nextDeadlineCheck() != nil)

        // Past both the claim and the resolve deadlines: two passings, two overdue notices (the
        // due-soon points overtaken by their due times send nothing).
        let later = dueBy.addingTimeInterval(1)
        let swept = try await f.store.sweepBatch(at: later, warnFraction: 0.8)
        #expect(swept.examined == 8)
        #expect(Set(swept.passed.map(\.kind)) == [.claim, .resolve] && swept.passed.count == 4)
        #expect(
            swept.notices.count == 4
                && swept.notices.allSatisfy { $0.kind == .overdue && $0.unit == "water" && $0.coUnits == ["gas"] }
        )
        #expect(try await f.store.sweepBatch(at: later, warnFraction: 0.8).examined == 0)
        #expect(try await f.store.nextDeadlineCheck() == nil)

        func observed() async throws -> (Ticket, [TicketEventKind], [String?], StatusCounts, [String], UnitStats?) {
            let (read, history) = try await f.store.ticket(ticket.id, visibleTo: admin)
            var overdueQuery = TicketQuery()
            overdueQuery.overdue = true
            let listed = try await f.store.list(overdueQuery, visibleTo: admin).tickets.map(\.id)
            let from = calendar.instant(on: calendar.localDate(of: noon), at: TimeOfDay("00:00")!)
            let stats = try await f.store.stats(from: from, to: from.addingTimeInterval(86400), units: ["water"])
            return (
                read, history.map(\.kind), history.filter { $0.kind == .overdue }.map(\.note),
                try await f.store.statusCounts(),
                listed, stats.first { $0.unit == "water" }
            )
        }
        let before = try await observed()
        #expect(before.0.overdue && before.0.unitOverdue && before.0.resolveOverdue)
        #expect(before.1.suffix(2) == [.overdue, .overdue] && before.2 == ["claim", "resolve"])
        #expect(before.3.overdue == 2)
        #expect(before.4 == [ticket.id, other.id])
        #expect(before.5?.overdue == 2 && before.5?.dispatched == 2)
        // Both tickets' outcomes are known now: neither claimed nor replied in time.
        #expect(
            before.5?.claimDue == 2 && before.5?.claimedOnTime == 0 && before.5?.replyDue == 2
                && before.5?.responseRate == 0
        )
        #expect(before.0.claimOverdue)
        let raw = try DatabaseQueue(path: f.path)
        #expect(
            try await raw.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE kind = 'overdue'") }
                == 0
        )

        #expect(try await f.store.foldPassedDeadlines(limit: 1) == 1)
        #expect(try await f.store.foldPassedDeadlines() == 1)
        #expect(try await f.store.foldPassedDeadlines() == 0)
        let after = try await observed()
        #expect(
            after.0 == before.0 && after.1 == before.1 && after.2 == before.2 && after.3 == before.3
                && after.4 == before.4 && after.5 == before.5
        )
        #expect(
            try await raw.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE kind = 'overdue'") }
                == 4
        )
        #expect(
            try await raw.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM ticket WHERE overdue = 1 AND unitOverdue = 1")
            } == 2
        )
    }

    @Test("A command folds its ticket's passings first: its event follows them in the history")
    func commandFoldsFirst() async throws {
        let f = try StoreFixture()
        let ticket = try await Self.submitted(f)
        let claimBy = try #require(ticket.claimBy)
        let swept = try await f.store.sweepBatch(at: claimBy.addingTimeInterval(1), warnFraction: 0.8)
        #expect(swept.passed.map(\.kind) == [.claim])
        let claimed = try await f.store.apply(
            .claim,
            to: ticket.id,
            lifecycle: f.lifecycle,
            by: water,
            at: claimBy.addingTimeInterval(2)
        )
        #expect(claimed.ticket.overdue && claimed.ticket.unitOverdue && !claimed.ticket.resolveOverdue)
        let (_, history) = try await f.store.ticket(ticket.id, visibleTo: admin)
        #expect(Array(history.map(\.kind).suffix(2)) == [.overdue, .claimed])
        #expect(try await f.store.unfoldedPassingCount() == 0)
    }

    @Test("A moved deadline takes its checks along; a new lead unit is carried by the checks left")
    func movedAndRerouted() async throws {
        let f = try StoreFixture()
        let ticket = try await Self.submitted(f)
        let operatorCaller = Caller(credentials: PeerCredentials(uid: 1001, gid: 1001), role: .operator)
        let raw = try DatabaseQueue(path: f.path)
        func checks() async throws -> [String] {
            try await raw.read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT kind, stage, unit FROM deadlineCheck WHERE ticketId = ? ORDER BY kind, stage",
                    arguments: [ticket.id]
                )
                .map { "\($0[0] as String) \($0[1] as String) \($0[2] as String? ?? "-")" }
            }
        }
        #expect(
            try await checks() == ["claim due water", "claim warn water", "resolve due water", "resolve warn water"]
        )
        let resolveDue = try await raw.read { db in
            try Int64.fetchOne(
                db,
                sql: "SELECT fireAt FROM deadlineCheck WHERE ticketId = ? AND kind = 'resolve' AND stage = 'due'",
                arguments: [ticket.id]
            )
        }
        // Reassigned: the claim deadline restarts, the resolve deadline stays and follows the new unit.
        _ = try await f.store.apply(
            .dispatch(unit: "power", coUnits: [], note: nil),
            to: ticket.id,
            lifecycle: f.lifecycle,
            by: operatorCaller,
            at: noon.addingTimeInterval(120)
        )
        let rows = try await checks()
        #expect(rows == ["claim due power", "claim warn power", "resolve due power", "resolve warn power"])
        let resolveDueAfter = try await raw.read { db in
            try Int64.fetchOne(
                db,
                sql: "SELECT fireAt FROM deadlineCheck WHERE ticketId = ? AND kind = 'resolve' AND stage = 'due'",
                arguments: [ticket.id]
            )
        }
        #expect(resolveDueAfter == resolveDue && resolveDue != nil)
        let definitions = try await raw.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM deadline WHERE ticketId = ?", arguments: [ticket.id])
        }
        #expect(definitions == 2)
    }

    @Test("A ticket counts as overdue once across sweeps, whether its first passing was folded in between or not")
    func countedOnceAcrossSweeps() async throws {
        let f = try StoreFixture()
        let calendar = f.lifecycle.configuration.calendar
        let folded = try await Self.submitted(f, "folded")
        let unfolded = try await Self.submitted(f, "unfolded")
        let claimBy = try #require(folded.claimBy)
        let dueBy = try #require(folded.dueBy)
        #expect(try await f.store.sweepBatch(at: claimBy.addingTimeInterval(1), warnFraction: 0.8).passed.count == 2)
        // Fold one ticket only (a command folds its own ticket first).
        _ = try await f.store.apply(
            .supervise(note: "督办"),
            to: folded.id,
            lifecycle: f.lifecycle,
            by: admin,
            at: claimBy.addingTimeInterval(2)
        )
        let raw = try DatabaseQueue(path: f.path)
        let carried = try await raw.read { db in
            try Int.fetchAll(
                db,
                sql: "SELECT unitOverdue FROM deadlineCheck WHERE ticketId = ? AND kind = 'resolve'",
                arguments: [folded.id]
            )
        }
        #expect(carried == [1, 1])
        #expect(try await f.store.unfoldedPassingCount() == 1)

        let swept = try await f.store.sweepBatch(at: dueBy.addingTimeInterval(1), warnFraction: 0.8)
        #expect(swept.passed.map(\.kind) == [.resolve, .resolve])
        let from = calendar.instant(on: calendar.localDate(of: noon), at: TimeOfDay("00:00")!)
        let water = try await f.store.stats(from: from, to: from.addingTimeInterval(86400), units: ["water"]).first
        #expect(water?.overdue == 2 && water?.dispatched == 2 && water?.claimDue == 2 && water?.replyDue == 2)
        while try await f.store.foldPassedDeadlines() > 0 {}
        let (read, history) = try await f.store.ticket(unfolded.id, visibleTo: admin)
        #expect(
            read.unitOverdue && read.resolveOverdue
                && history.filter { $0.kind == .overdue }.map(\.note) == ["claim", "resolve"]
        )
    }
}
