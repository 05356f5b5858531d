import Foundation
import HotlineCore
import HotlinePostgres
import HotlineSQLite
import HotlineStore
import HotlineTesting
import HotlineTransfer
import Testing

/// `hotlined transfer` at the level of the stores: a site in the middle of its work (due-soon
/// warnings sent and not, deadline passings not yet folded, a ticket merged into a later one,
/// entries with several versions, an import still open) copied between real databases.
@Suite("A site moves between databases and back unchanged")
struct TransferTests {
    /// A site two days into its work, and the moment it reached.
    static func site(_ s: StoreUnderTest) async throws -> Date {
        var now = noon
        var ids: [String] = []
        for n in 0..<24 {
            now = now.addingTimeInterval(1800)
            let result = try await s.submit("t-\(n)", n % 6 == 0 ? "小区停水" : "路灯不亮 \(n)", at: now) {
                $0.category = n % 2 == 0 ? "water" : "road"
                $0.location.district = n % 4 == 0 ? nil : "岳阳楼区"
                $0.citizen = Citizen(name: "市民\(n)", phone: "1381234\(String(format: "%04d", n))")
            }
            ids.append(result.ticket.id)
        }
        let entry = try await s.store.addEntry(
            KnowledgeDraft(title: "停水怎么办", body: "拨打 12345", category: "water", keywords: ["停水"]),
            by: 1001,
            at: now
        )
        _ = try await s.store.updateEntry(
            entry.id,
            version: 1,
            KnowledgeEdit(body: "拨打 12345 或 96890"),
            by: 1001,
            at: now
        )
        let old = try await s.store.addEntry(KnowledgeDraft(title: "旧政策", body: "已废止"), by: 1001, at: now)
        _ = try await s.store.retireEntry(old.id, note: "政策废止", by: 1001, at: now)
        _ = try await s.store.stageImport(nil, [KnowledgeDraft(title: "待导入", body: "尚未提交")], by: 1001, at: now)
        for (n, id) in ids.enumerated() {
            now = now.addingTimeInterval(600)
            switch n % 6 {
            case 0:
                try await s.apply(.dispatch(unit: "water", coUnits: [], note: nil), to: id, by: operatorCaller, at: now)
                try await s.apply(.claim, to: id, by: water, at: now)
            case 1:
                try await s.apply(
                    .dispatch(unit: "power", coUnits: ["gas"], note: nil),
                    to: id,
                    by: operatorCaller,
                    at: now
                )
            case 2: try await s.apply(.answer(text: "已答复", knowledge: [entry.id]), to: id, by: operatorCaller, at: now)
            case 3:
                try await s.apply(.dispatch(unit: "water", coUnits: [], note: nil), to: id, by: operatorCaller, at: now)
                try await s.apply(.claim, to: id, by: water, at: now)
                try await s.apply(.reply(result: "已修复"), to: id, by: water, at: now)
                try await s.apply(.rate(rating: .dissatisfied, solved: false, comment: "没修好"), to: id, at: now)
            case 4:
                try await s.apply(.dispatch(unit: "water", coUnits: [], note: nil), to: id, by: operatorCaller, at: now)
                try await s.apply(.urge(note: "催办"), to: id, by: operatorCaller, at: now)
            case 5: try await s.apply(.merge(into: ids[(n + 1) % ids.count]), to: id, by: operatorCaller, at: now)
            default: break
            }
        }
        // The clock: the warnings of the first day's claim deadlines, some passings, a few folded.
        now = now.addingTimeInterval(20 * 3600)
        while try await s.store.sweepBatch(at: now, warnFraction: 0.8, batchSize: 7).more {}
        _ = try await s.store.foldPassedDeadlines(limit: 2)
        return now
    }

    /// Copies `source` into `target` and returns the report.
    @discardableResult
    static func transfer(_ source: StoreUnderTest, _ target: TargetUnderTest) async throws -> SiteTransfer.Report {
        try await SiteTransfer(pageSize: 5).run(
            from: source.store as! any TransferSource,
            named: source.backend.rawValue,
            to: target.target
        )
    }

    /// Copies `source` into a new database of `backend` and opens it.
    static func copy(
        _ source: StoreUnderTest,
        to backend: Backend
    ) async throws -> (StoreUnderTest, SiteTransfer.Report) {
        let target = try await StoreUnderTest.emptyTarget(backend)
        let report = try await transfer(source, target)
        return (try await target.open(), report)
    }

    /// Every stored thing a reader can see of `s`: the digests, and each ticket as `Get` reads it.
    static func readings(_ s: StoreUnderTest) async throws -> (SiteDigests, [String: [TicketEvent]]) {
        let digests = try await SiteDigests.read(s.store as! any TransferSource)
        var histories: [String: [TicketEvent]] = [:]
        for ticket in try await allTickets(s) {
            histories[ticket.id] = try await s.store.ticket(ticket.id, visibleTo: admin).1
        }
        return (digests, histories)
    }

    /// Every ticket of `s`, as `List` reads them.
    static func allTickets(_ s: StoreUnderTest) async throws -> [Ticket] {
        var query = TicketQuery()
        query.limit = 100
        return try await s.store.list(query, visibleTo: admin).tickets
    }

    @Test("SQLite → PostgreSQL → SQLite: every table, ticket, history and figure the same; the clock goes on alike")
    func roundTrip() async throws {
        let original = try await StoreUnderTest.make(.sqlite)
        let now = try await Self.site(original)
        let (middle, first) = try await Self.copy(original, to: TestPostgres.available ? .postgresql : .sqlite)
        let (last, second) = try await Self.copy(middle, to: .sqlite)

        let (digests, histories) = try await Self.readings(original)
        #expect(digests.tables.map(\.table) == SiteDigests.tableNames)
        #expect(digests.tables[0].rows == 24, "every ticket was read")
        #expect(digests.tables[3].rows > 0, "checks are still pending")
        #expect(digests.tables[5].rows == 2, "both entries' earlier versions")
        #expect(digests.tables[6].rows == 1, "the open import")
        #expect(first.tables == digests.tables)
        #expect(second.tables == digests.tables)
        for copy in [middle, last] {
            let (copied, copiedHistories) = try await Self.readings(copy)
            #expect(copied == digests, "\(copy.backend)")
            #expect(copiedHistories == histories, "\(copy.backend)")
        }
        if middle.backend == .postgresql {
            // The indexes dropped for the load are all built again.
            let indexes =
                "SELECT string_agg(indexdef, '; ' ORDER BY indexname) FROM pg_indexes WHERE schemaname = current_schema()"
            let fresh = try await StoreUnderTest.make(.postgresql)
            #expect(try middle.sql(sqlite: "", postgres: indexes) == (try fresh.sql(sqlite: "", postgres: indexes)))
        }
        // The merged ticket names a later one.
        let merged = try await Self.allTickets(last).first { $0.duplicateOf != nil }
        #expect(merged.map { $0.id < $0.duplicateOf! } == true)

        // The copies go on as the original would: the next number of the day, the same clock.
        let later = now.addingTimeInterval(60)
        let next = try await original.submit("after", at: later)
        for copy in [middle, last] {
            let copied = try await copy.submit("after", at: later)
            #expect(copied.ticket.id == next.ticket.id, "\(copy.backend) continues the day's numbering")
        }
        let end = now.addingTimeInterval(40 * 86400)
        let expected = try await Self.sweepAll(original, at: end)
        #expect(!expected.isEmpty)
        for copy in [middle, last] {
            #expect(try await Self.sweepAll(copy, at: end) == expected, "\(copy.backend): no warning again, none lost")
        }
        // And the open import can still be committed in the copy.
        let imports = try await (last.store as! any TransferSource).exportImports()
        #expect(try await last.store.commitImport(imports[0].id, by: 1001) == 1)
    }

    /// Every notice the clock sends up to `end`, as text, sorted.
    static func sweepAll(_ s: StoreUnderTest, at end: Date) async throws -> [String] {
        var notices: [String] = []
        while true {
            let swept = try await s.store.sweepBatch(at: end, warnFraction: 0.8, batchSize: 50)
            notices += swept.notices.map { "\($0)" }
            if !swept.more && swept.examined == 0 { break }
        }
        return notices.sorted()
    }

    @Test("PostgreSQL → SQLite and PostgreSQL → PostgreSQL", .enabled(if: TestPostgres.available))
    func fromPostgres() async throws {
        let original = try await StoreUnderTest.make(.postgresql)
        _ = try await Self.site(original)
        let expected = try await Self.readings(original)
        for backend in Backend.allCases {
            let (copy, _) = try await Self.copy(original, to: backend)
            let copied = try await Self.readings(copy)
            #expect(copied.0 == expected.0, "\(backend)")
            #expect(copied.1 == expected.1, "\(backend)")
        }
    }

    @Test("A target that holds anything is refused and left as it was", arguments: Backend.available)
    func refusesNonEmpty(_ backend: Backend) async throws {
        let source = try await StoreUnderTest.make(.sqlite)
        _ = try await source.submit("a")
        let target = try await StoreUnderTest.emptyTarget(backend)
        _ = try await target.open().store.addEntry(KnowledgeDraft(title: "已有", body: "内容"), by: 1001, at: noon)
        await #expect(throws: TransferError.targetNotEmpty(target: target.name, holds: "1 knowledge-base entry")) {
            try await Self.transfer(source, target)
        }
        #expect(try await target.contents() == TransferContents(tickets: 0, entries: 1, imports: 0))
    }

    @Test(
        "A source written during the transfer: the copy is dropped, the target left empty",
        arguments: Backend.available
    )
    func sourceChangedMeanwhile(_ backend: Backend) async throws {
        let source = try await StoreUnderTest.make(.sqlite)
        _ = try await Self.site(source)
        let target = try await StoreUnderTest.emptyTarget(backend)
        // A daemon still running on the source submits while the copy is checked.
        let transfer = SiteTransfer(pageSize: 5) { line in
            guard line == "reading the source back" else { return }
            let done = DispatchSemaphore(value: 0)
            Task {
                _ = try? await source.submit("late", at: noon.addingTimeInterval(3 * 86400))
                done.signal()
            }
            done.wait()
        }
        await #expect(
            throws: TransferError.mismatch(tables: [
                "tickets", "events", "deadlines", "checks", "figures", "hot spots", "status",
            ])
        ) {
            try await transfer.run(from: source.store as! any TransferSource, named: "source", to: target.target)
        }
        #expect(try await target.contents().isEmpty)
        // And a second transfer of the now quiet source goes through.
        try await Self.transfer(source, target)
        #expect(try await target.contents().tickets == 25)
    }

    @Test("A database a daemon runs on is refused", .enabled(if: TestPostgres.available))
    func refusesRunningDaemon() async throws {
        let source = try await StoreUnderTest.make(.sqlite)
        let target = try await StoreUnderTest.emptyTarget(.postgresql)
        _ = try await target.open().store.clockLease!.claimClockLease(
            for: LeaseHolder(id: "run-1", node: "node-b"),
            term: .seconds(10)
        )
        await #expect {
            try await Self.transfer(source, target)
        } throws: { error in
            guard case .daemonRunning(_, let daemon) = error as? TransferError else { return false }
            return daemon.hasPrefix("node-b")
        }
    }
}
