import Foundation
import HotlineCore
import HotlineStore
import Testing

/// What every store must do with tickets, run on each backend.
@Suite("Every store: tickets, their history and reading them")
struct TicketBehaviourTests {
    @Test("Ticket ids are the local date and a per-day sequence", arguments: Backend.available)
    func ids(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        #expect(try await s.submit("1").ticket.id == "20260921-0001")
        #expect(try await s.submit("2").ticket.id == "20260921-0002")
        #expect(try await s.submit("2").ticket.id == "20260921-0002", "a repeated key draws no number")
        #expect(try await s.submit("3").ticket.id == "20260921-0003")
        #expect(try await s.submit("4", at: noon.addingTimeInterval(86400)).ticket.id == "20260922-0001")
    }

    @Test(
        "A repeated idempotency key returns the first ticket unchanged; other content conflicts",
        arguments: Backend.available
    )
    func idempotency(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        let submission = Submission(
            channel: .mailbox,
            submissionId: "m-9",
            content: "停水三天",
            citizen: Citizen(name: "张三", phone: "13812345678")
        )
        let first = try await s.store.submit(submission, lifecycle: s.lifecycle, by: admin, at: noon)
        let again = try await s.store.submit(
            submission,
            lifecycle: s.lifecycle,
            by: admin,
            at: noon.addingTimeInterval(60)
        )
        #expect(first.created && !again.created)
        #expect(again.ticket == first.ticket)
        for (field, change) in [
            ("content", { (s: inout Submission) in s.content = "停电" }),
            ("citizen.name", { (s: inout Submission) in s.citizen.name = "李四" }),
            ("title", { (s: inout Submission) in s.title = "停水" }),
            ("location.district", { (s: inout Submission) in s.location.district = "岳阳楼区" }),
        ] {
            var other = submission
            change(&other)
            await #expect(throws: HotlineError.submissionConflict(id: first.ticket.id, field: field)) {
                try await s.store.submit(other, lifecycle: s.lifecycle, by: admin, at: noon)
            }
        }
        let otherChannel = Submission(channel: .hotline, submissionId: "m-9", content: "停电")
        #expect(try await s.store.submit(otherChannel, lifecycle: s.lifecycle, by: admin, at: noon).created)
    }

    @Test(
        "Sixteen Submits racing one new key make one ticket; the others answer it with created false",
        arguments: Backend.available
    )
    func racingSubmits(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        let results = try await withThrowingTaskGroup(of: SubmitResult.self) { group in
            for _ in 0..<16 { group.addTask { try await s.submit("race", "小区停水") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter(\.created).count == 1)
        #expect(Set(results.map(\.ticket.id)).count == 1)
        #expect(try s.sql("SELECT count(*) FROM ticket") == "1")
        #expect(try s.sql("SELECT count(*) FROM event") == "2", "the losers wrote nothing")
    }

    @Test(
        "Every change and its events are stored together; a refused change writes nothing",
        arguments: Backend.available
    )
    func eventsAndState(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        let t = try await s.submit("1") { $0.citizen = Citizen(phone: "13812345678") }.ticket
        try await s.apply(.claim, to: t.id, by: water, at: noon.addingTimeInterval(60))
        let (stored, events) = try await s.store.ticket(t.id, visibleTo: admin)
        #expect(
            stored.status == .claimed && stored.coUnits == ["gas"] && stored.claimedAt == noon.addingTimeInterval(60)
        )
        #expect(events.map(\.kind) == [.submitted, .dispatched, .claimed])
        #expect(events.last?.actorUid == 2001 && events.last?.role == .unit && events.last?.unit == "water")
        await #expect(throws: HotlineError.invalidTransition(id: t.id, status: .claimed)) {
            try await s.apply(.claim, to: t.id, by: water)
        }
        #expect(try await s.store.ticket(t.id, visibleTo: admin).1.count == 3)
    }

    @Test(
        "Events are append-only and the schema keeps its rules: the database itself refuses",
        arguments: Backend.available
    )
    func appendOnly(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        _ = try await s.submit("1")
        #expect(throws: (any Error).self) { try s.sql("UPDATE event SET note = 'x'") }
        #expect(throws: (any Error).self) { try s.sql("DELETE FROM event") }
        #expect(throws: (any Error).self) { try s.sql("UPDATE ticket SET status = 'lost'") }
        #expect(throws: (any Error).self) {
            try s.sql(
                sqlite:
                    "PRAGMA foreign_keys = ON; INSERT INTO event (ticketId, at, kind, actorUid, role) VALUES ('nope', 0, 'claimed', 0, 'admin')",
                postgres:
                    "INSERT INTO event (ticket_id, at, kind, actor_uid, role) VALUES ('nope', now(), 'claimed', 0, 'admin')"
            )
        }
        #expect(try s.sql("SELECT count(*) FROM event") == "2")
    }

    @Test("Units see only the tickets they lead or co-handle", arguments: Backend.available)
    func visibility(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        let t = try await s.submit("1").ticket
        _ = try await s.submit("2", "其他")
        #expect(try await s.store.ticket(t.id, visibleTo: gas).0.id == t.id)
        await #expect(throws: HotlineError.noSuchTicket(id: t.id)) { try await s.store.ticket(t.id, visibleTo: power) }
        #expect(try await s.store.list(TicketQuery(), visibleTo: water).tickets.map(\.id) == [t.id])
        #expect(try await s.store.list(TicketQuery(), visibleTo: gas).tickets.map(\.id) == [t.id])
        #expect(try await s.store.list(TicketQuery(), visibleTo: power).tickets.isEmpty)
        #expect(try await s.store.list(TicketQuery(), visibleTo: admin).tickets.count == 2)
    }

    @Test("List pages with next, and filters by status, unit, overdue and supervised", arguments: Backend.available)
    func paging(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        var ids: [String] = []
        for i in 0..<7 { ids.append(try await s.submit("\(i)", i % 2 == 0 ? "停水" : "建议").ticket.id) }
        var query = TicketQuery()
        query.limit = 3
        var seen: [String] = []
        while true {
            let page = try await s.store.list(query, visibleTo: admin)
            seen += page.tickets.map(\.id)
            guard let next = page.next else { break }
            query.after = next
        }
        #expect(seen == ids)
        var pending = TicketQuery()
        pending.statuses = [.pending]
        #expect(try await s.store.list(pending, visibleTo: admin).tickets.count == 3)
        var byUnit = TicketQuery()
        byUnit.unit = "gas"
        #expect(try await s.store.list(byUnit, visibleTo: admin).tickets.count == 4)
        try await s.apply(.supervise(note: "督办"), to: ids[1])
        var supervised = TicketQuery()
        supervised.supervised = true
        #expect(try await s.store.list(supervised, visibleTo: admin).tickets.map(\.id) == [ids[1]])
        var bad = TicketQuery()
        bad.after = "nonsense"
        await #expect(throws: HotlineError.self) { try await s.store.list(bad, visibleTo: admin) }
    }

    @Test(
        "possibleDuplicates: open tickets with the same phone and category from the last 30 days",
        arguments: Backend.available
    )
    func duplicates(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        func submit(_ key: String, category: String, daysAgo: Double) async throws -> SubmitResult {
            try await s.submit(key, at: noon.addingTimeInterval(-daysAgo * 86400)) {
                $0.category = category
                $0.citizen = Citizen(phone: "13812345678")
            }
        }
        let old = try await submit("old", category: "water", daysAgo: 31).ticket
        let recent = try await submit("r", category: "water", daysAgo: 1).ticket
        _ = try await submit("o", category: "road", daysAgo: 0)
        let new = try await submit("n", category: "water", daysAgo: 0)
        #expect(new.possibleDuplicates == [recent.id])
        #expect(!new.possibleDuplicates.contains(old.id))
        let again = try await submit("n", category: "water", daysAgo: 0)
        #expect(!again.created && again.possibleDuplicates == [recent.id], "a repeat does not list itself")
    }

    @Test("Merge needs an existing target", arguments: Backend.available)
    func merge(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        let a = try await s.submit("a").ticket
        await #expect(throws: HotlineError.noSuchTicket(id: "20990101-0001")) {
            try await s.apply(.merge(into: "20990101-0001"), to: a.id)
        }
        let b = try await s.submit("b").ticket
        let merged = try await s.apply(.merge(into: a.id), to: b.id).ticket
        #expect(merged.duplicateOf == a.id && merged.closedAs == .duplicate)
        #expect(try await s.store.ticket(b.id, visibleTo: admin).0 == merged)
    }

    @Test("Status counts", arguments: Backend.available)
    func counts(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        _ = try await s.submit("a")
        _ = try await s.submit("b", "建议")
        #expect(try await s.store.statusCounts() == StatusCounts(open: 2, pending: 1, overdue: 0, callbacksDue: 0))
    }

    @Test(
        "Search: words, a phone in any writing, filters, newest first, pages and the total",
        arguments: Backend.available
    )
    func search(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        let a = try await s.submit("a", "小区停水三天，KFC对面", at: noon) { $0.citizen = Citizen(phone: "138-1234-5678") }
        let b = try await s.submit("b", "又停水了", at: noon.addingTimeInterval(60)) { $0.location.district = "岳阳楼区" }
        let c = try await s.submit("c", "路灯不亮", at: noon.addingTimeInterval(120))
        func found(_ change: (inout SearchQuery) -> Void) async throws -> (ids: [String], total: Int, next: String?) {
            var query = SearchQuery()
            change(&query)
            let result = try await s.store.search(query, visibleTo: admin)
            return (result.tickets.map(\.id), result.total, result.next)
        }
        #expect(try await found { $0.words = SearchTerms.words("停水") }.ids == [b.ticket.id, a.ticket.id])
        #expect(try await found { $0.words = SearchTerms.words("kfc 对面") }.ids == [a.ticket.id])
        #expect(try await found { $0.words = SearchTerms.words("停水三天") }.ids == [a.ticket.id])
        #expect(try await found { $0.words = SearchTerms.words("水三天停") }.ids.isEmpty, "every pair, not the word")
        #expect(try await found { $0.phoneDigits = PhoneNumber.digits("+86 13812345678") }.ids == [a.ticket.id])
        #expect(try await found { $0.district = "岳阳楼区" }.ids == [b.ticket.id])
        #expect(try await found { $0.statuses = [.pending] }.ids == [c.ticket.id])
        let first = try await found { $0.limit = 2 }
        #expect(first.ids == [c.ticket.id, b.ticket.id] && first.total == 3)
        let second = try await found {
            $0.limit = 2
            $0.after = first.next
        }
        #expect(second.ids == [a.ticket.id] && second.total == 3 && second.next == nil)
        #expect(try await s.store.search(SearchQuery(), visibleTo: power).total == 0)
        try await s.apply(.answer(text: "已转告路灯管理所", knowledge: []), to: c.ticket.id, by: operatorCaller)
        #expect(try await found { $0.words = SearchTerms.words("路灯管理") }.ids == [c.ticket.id], "the answer is searched")
    }
}
