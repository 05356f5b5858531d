import Foundation
import HotlineCore
import HotlineStore
import Testing

/// The SLA clock's queue of checks, the passings it records and their folding, on each backend.
@Suite("Every store: deadline checks, passings and folding")
struct DeadlineBehaviourTests {
    @Test(
        "A passed deadline is read as overdue at once, counted once for its unit, and reads the same after folding",
        arguments: Backend.available
    )
    func passingThenFold(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        let ticket = try await s.submit("a").ticket
        let other = try await s.submit("b").ticket
        let dueBy = try #require(ticket.dueBy)
        #expect(try await s.store.nextDeadlineCheck() == s.firstCheck(ticket))
        // Past both the claim and the resolve deadlines: two passings per ticket, their overdue
        // notices (the due-soon points overtaken by their due times send nothing).
        let later = dueBy.addingTimeInterval(1)
        let swept = try await s.store.sweepBatch(at: later, warnFraction: 0.8, batchSize: 5000)
        #expect(swept.examined == 8 && !swept.more)
        #expect(Set(swept.passed.map(\.kind)) == [.claim, .resolve] && swept.passed.count == 4)
        #expect(
            swept.notices.count == 4
                && swept.notices.allSatisfy { $0.kind == .overdue && $0.unit == "water" && $0.coUnits == ["gas"] }
        )
        #expect(try await s.store.sweepBatch(at: later, warnFraction: 0.8, batchSize: 5000).examined == 0)
        #expect(try await s.store.nextDeadlineCheck() == nil)

        func observed() async throws -> (Ticket, [TicketEventKind], [String?], StatusCounts, [String], UnitStats?) {
            let (read, history) = try await s.store.ticket(ticket.id, visibleTo: admin)
            var overdueQuery = TicketQuery()
            overdueQuery.overdue = true
            let listed = try await s.store.list(overdueQuery, visibleTo: admin).tickets.map(\.id)
            return (
                read, history.map(\.kind), history.filter { $0.kind == .overdue }.map(\.note),
                try await s.store.statusCounts(), listed, try await s.dayFigures("water")
            )
        }
        let before = try await observed()
        #expect(before.0.overdue && before.0.unitOverdue && before.0.resolveOverdue && before.0.claimOverdue)
        #expect(before.1.suffix(2) == [.overdue, .overdue] && before.2 == ["claim", "resolve"])
        #expect(before.3.overdue == 2)
        #expect(before.4 == [ticket.id, other.id])
        #expect(before.5?.overdue == 2 && before.5?.dispatched == 2)
        #expect(before.5?.claimDue == 2 && before.5?.claimedOnTime == 0 && before.5?.replyDue == 2)
        #expect(try s.sql("SELECT count(*) FROM event WHERE kind = 'overdue'") == "0", "not folded yet")

        #expect(try await s.store.foldPassedDeadlines(limit: 1) == 1)
        #expect(try await s.store.foldPassedDeadlines(limit: 100) == 1)
        #expect(try await s.store.foldPassedDeadlines(limit: 100) == 0)
        let after = try await observed()
        #expect(after.0 == before.0 && after.1 == before.1 && after.2 == before.2)
        #expect(after.3 == before.3 && after.4 == before.4 && after.5 == before.5)
        #expect(try s.sql("SELECT count(*) FROM event WHERE kind = 'overdue'") == "4")
    }

    @Test(
        "A command folds its ticket's passings first: its event follows them in the history",
        arguments: Backend.available
    )
    func commandFoldsFirst(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        let ticket = try await s.submit("a").ticket
        let claimBy = try #require(ticket.claimBy)
        let swept = try await s.store.sweepBatch(at: claimBy.addingTimeInterval(1), warnFraction: 0.8, batchSize: 5000)
        #expect(swept.passed.map(\.kind) == [.claim])
        let claimed = try await s.apply(.claim, to: ticket.id, by: water, at: claimBy.addingTimeInterval(2))
        #expect(claimed.ticket.overdue && claimed.ticket.unitOverdue && !claimed.ticket.resolveOverdue)
        let (_, history) = try await s.store.ticket(ticket.id, visibleTo: admin)
        #expect(Array(history.map(\.kind).suffix(2)) == [.overdue, .claimed])
        #expect(try await s.store.foldPassedDeadlines(limit: 100) == 0, "nothing left to fold")
        #expect(try s.sql("SELECT count(*) FROM event WHERE kind = 'overdue'") == "1")
    }

    @Test(
        "A deadline kept across a new dispatch keeps its checks; its notices go to the new lead unit",
        arguments: Backend.available
    )
    func movedAndRerouted(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        let ticket = try await s.submit("a").ticket
        let checks = (
            sqlite: "SELECT kind || ' ' || stage || ' ' || fireAt FROM deadlineCheck ORDER BY kind, stage",
            postgres:
                "SELECT kind || ' ' || stage || ' ' || hotline_ms(fire_at) FROM deadline_check ORDER BY kind, stage"
        )
        let first = try s.sql(sqlite: checks.sqlite, postgres: checks.postgres).split(separator: "\n")
        #expect(first.count == 4)
        // Reassigned: the resolve deadline stays, and keeps its checks (its notices are not sent twice).
        try await s.apply(
            .dispatch(unit: "power", coUnits: [], note: nil),
            to: ticket.id,
            by: operatorCaller,
            at: noon.addingTimeInterval(120)
        )
        let second = try s.sql(sqlite: checks.sqlite, postgres: checks.postgres).split(separator: "\n")
        #expect(second.count == 4)
        #expect(first.filter { $0.hasPrefix("resolve") } == second.filter { $0.hasPrefix("resolve") })
        #expect(
            try s.sql(sqlite: "SELECT count(*) FROM deadline", postgres: "SELECT count(*) FROM deadline") == "2"
        )
        let dueBy = try #require(ticket.dueBy)
        let swept = try await s.store.sweepBatch(at: dueBy.addingTimeInterval(1), warnFraction: 0.8, batchSize: 5000)
        #expect(swept.notices.filter { $0.kind == .overdue }.allSatisfy { $0.unit == "power" && $0.coUnits.isEmpty })
        #expect(swept.notices.contains { $0.kind == .overdue && $0.deadline == .resolve })
    }

    @Test(
        "A ticket counts as overdue once across sweeps, whether its first passing was folded in between or not",
        arguments: Backend.available
    )
    func countedOnceAcrossSweeps(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        let folded = try await s.submit("folded").ticket
        let unfolded = try await s.submit("unfolded").ticket
        let claimBy = try #require(folded.claimBy)
        let dueBy = try #require(folded.dueBy)
        #expect(
            try await s.store.sweepBatch(at: claimBy.addingTimeInterval(1), warnFraction: 0.8, batchSize: 5000).passed
                .count == 2
        )
        try await s.apply(.supervise(note: "督办"), to: folded.id, at: claimBy.addingTimeInterval(2))
        let swept = try await s.store.sweepBatch(at: dueBy.addingTimeInterval(1), warnFraction: 0.8, batchSize: 5000)
        #expect(swept.passed.map(\.kind) == [.resolve, .resolve])
        let figures = try await s.dayFigures("water")
        #expect(figures?.overdue == 2 && figures?.dispatched == 2 && figures?.claimDue == 2 && figures?.replyDue == 2)
        while try await s.store.foldPassedDeadlines(limit: 100) > 0 {}
        let (read, history) = try await s.store.ticket(unfolded.id, visibleTo: admin)
        #expect(read.unitOverdue && read.resolveOverdue)
        #expect(history.filter { $0.kind == .overdue }.map(\.note) == ["claim", "resolve"])
        #expect(try await s.dayFigures("water") == figures)
    }

    @Test(
        "Batches take the queue's front in order; two sweepers at once take every check exactly once",
        arguments: Backend.available
    )
    func sweptOnce(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        var tickets: [Ticket] = []
        for n in 0..<40 { tickets.append(try await s.submit("t-\(n)", at: noon.addingTimeInterval(Double(n))).ticket) }
        let later = try #require(tickets.last?.dueBy).addingTimeInterval(1)
        let results = try await withThrowingTaskGroup(of: [SweepResult].self) { group in
            for _ in 0..<2 {
                group.addTask {
                    var results: [SweepResult] = []
                    while true {
                        let result = try await s.store.sweepBatch(at: later, warnFraction: 0.8, batchSize: 7)
                        if result.examined == 0 { return results }
                        results.append(result)
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(results.reduce(0) { $0 + $1.examined } == 160, "4 checks a ticket, each taken once")
        let notices = results.flatMap(\.notices).map { "\($0.ticketID) \($0.deadline.map(\.rawValue) ?? "")" }
        #expect(notices.count == 80 && Set(notices).count == 80, "one overdue notice per deadline, none twice")
        #expect(try await s.store.statusCounts().overdue == 40)
    }
}

extension StoreUnderTest {
    /// The time of a new ticket's first check: its claim deadline's due-soon point.
    func firstCheck(_ ticket: Ticket) -> Date? {
        let warn = ticket.runningDeadlines(warnFraction: lifecycle.configuration.sla.warnAt).map(\.warnAt).min()
        return warn.map { Date(millis: $0.millis) }
    }
}
