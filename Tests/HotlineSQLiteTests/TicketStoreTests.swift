import Foundation
import GRDB
import HotlineStore
import Testing

@testable import HotlineCore
@testable import HotlineSQLite

/// A store on a real SQLite file in a fresh temporary folder.
final class StoreFixture {
    let directory: URL
    let store: SQLiteTicketStore
    let lifecycle: Lifecycle
    var path: String { directory.appendingPathComponent("hotline.db").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteTicketStore(path: directory.appendingPathComponent("hotline.db").path)
        var config = HotlineConfiguration()
        config.units = [
            HandlingUnit(id: "water", name: "水务"), HandlingUnit(id: "gas", name: "燃气"),
            HandlingUnit(id: "power", name: "电力"),
        ]
        config.router = Router(routes: [Route(unit: "water", keywords: ["停水"], coUnits: ["gas"])])
        lifecycle = Lifecycle(configuration: config)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

let admin = Caller(credentials: PeerCredentials(uid: 0, gid: 0), role: .admin)
let water = Caller(credentials: PeerCredentials(uid: 2001, gid: 2001), role: .unit("water"))
let gas = Caller(credentials: PeerCredentials(uid: 2003, gid: 2003), role: .unit("gas"))
let power = Caller(credentials: PeerCredentials(uid: 2002, gid: 2002), role: .unit("power"))
let noon = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09-21 22:13 +08:00

@Suite("The SQLite store")
struct TicketStoreTests {
    @Test("The writer runs with synchronous = FULL in WAL mode, and the migrations are recorded")
    func durability() throws {
        let f = try StoreFixture()
        #expect(try f.store.synchronousMode() == 2)
        #expect(
            try f.store.appliedMigrations() == [
                "v1-tickets-and-events", "v2-ticket-numbers-from-ids", "v3-overdue-index", "v4-checks-without-in-lists",
                "v5-deadline-checks-in-time-order", "v6-stats-by-known-outcome", "v7-search-index-written-with-tickets",
                "v8-knowledge-base", "v9-hotspot-hours",
            ]
        )
        let mode = try DatabaseQueue(path: f.path).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test("The search indexer's batches commit without a sync of their own; the writer is FULL again after each")
    func indexerKeepsTheWriterDurable() async throws {
        let f = try StoreFixture()
        for n in 0..<3 {
            _ = try await f.store.submit(
                Submission(channel: .hotline, submissionId: "i-\(n)", content: "停水"),
                lifecycle: f.lifecycle,
                by: admin,
                at: noon
            )
        }
        // As after an upgrade: every ticket waits for the indexer.
        try await DatabaseQueue(path: f.path).write { db in
            try db.execute(
                sql:
                    "INSERT INTO ticketText (ticketText) VALUES ('delete-all'); INSERT INTO searchQueue (seq) SELECT seq FROM ticket"
            )
        }
        #expect(try await f.store.indexQueuedForSearch(limit: 2) == 2)
        #expect(try f.store.synchronousMode() == 2)
        #expect(try await f.store.indexQueuedForSearch(limit: 2) == 1)
        #expect(try await f.store.indexQueuedForSearch(limit: 2) == 0)
        #expect(try f.store.synchronousMode() == 2)
        #expect(try await f.store.searchQueueLength() == 0)
    }
}

@Suite("The hour rollup behind Stats")
struct RollupTests {
    @Test("Stats from the rollup equal the scan of the tickets, through every kind of change, aligned or not")
    func rollupMatchesScan() async throws {
        let f = try StoreFixture()
        let calendar = f.lifecycle.configuration.calendar
        let start = calendar.instant(on: LocalDate("2026-09-21")!, at: TimeOfDay("09:00")!)
        var ids: [String] = []
        for i in 0..<30 {
            let at = start.addingTimeInterval(Double(i) * 3000)
            ids.append(
                try await f.store.submit(
                    Submission(channel: .hotline, submissionId: "\(i)", content: i % 3 == 0 ? "其他" : "停水"),
                    lifecycle: f.lifecycle,
                    by: admin,
                    at: at
                ).ticket.id
            )
        }
        let operatorCaller = Caller(credentials: PeerCredentials(uid: 1001, gid: 1001), role: .operator)
        let supervisor = Caller(credentials: PeerCredentials(uid: 1002, gid: 1002), role: .supervisor)
        var at = start.addingTimeInterval(86400)
        func step(_ command: TicketCommand, _ id: String, _ caller: Caller) async throws {
            at = at.addingTimeInterval(60)
            _ = try await f.store.apply(command, to: id, lifecycle: f.lifecycle, by: caller, at: at)
        }
        for (i, id) in ids.enumerated() {
            if i % 3 == 0 {
                try await step(
                    .dispatch(unit: i % 2 == 0 ? "power" : "gas", coUnits: [], note: nil),
                    id,
                    operatorCaller
                )
                continue
            }
            try await step(.claim, id, water)
            if i % 5 == 1 {
                try await step(.return(reason: "非本单位"), id, water)
                try await step(.dispatch(unit: "power", coUnits: [], note: nil), id, operatorCaller)
                continue
            }
            if i % 7 == 2 {
                try await step(
                    .requestExtension(reason: "r", until: at.addingTimeInterval(86400 * 40), longTerm: false),
                    id,
                    water
                )
                try await step(.decideExtension(approve: true, note: nil), id, supervisor)
            }
            try await step(.reply(result: "ok"), id, water)
            let rating: Rating = [.satisfied, .dissatisfied, .basic, .veryDissatisfied][i % 4]
            try await step(.rate(rating: rating, solved: i % 2 == 0, comment: nil), id, operatorCaller)
            if rating.isBad {
                try await step(.callback(outcome: i % 3 == 1 ? .rectify : .explained, note: "n"), id, operatorCaller)
            }
        }
        // Some answered at the centre, rated, one badly and called back.
        for i in 0..<6 {
            let answered = try await f.store.submit(
                Submission(channel: .hotline, submissionId: "a-\(i)", content: "咨询", answer: "已答复"),
                lifecycle: f.lifecycle,
                by: operatorCaller,
                at: start.addingTimeInterval(Double(i) * 4000 + 77)
            ).ticket.id
            guard i % 2 == 0 else { continue }
            try await step(
                .rate(rating: i == 0 ? .dissatisfied : .satisfied, solved: i != 0, comment: nil),
                answered,
                operatorCaller
            )
            if i == 0 { try await step(.callback(outcome: .rectify, note: "n", unit: "gas"), answered, operatorCaller) }
        }
        // Time passing: overdue marks and unrated closes go through the rollup too.
        _ = try await f.store.sweepBatch(at: at.addingTimeInterval(86400 * 30), warnFraction: 0.8)

        let from = calendar.instant(on: LocalDate("2026-09-01")!, at: TimeOfDay("00:00")!)
        let to = calendar.instant(on: LocalDate("2026-10-01")!, at: TimeOfDay("00:00")!)
        let units = ["water", "gas", "power"]
        func byUnit(_ rows: [UnitStats]) -> [String: UnitStats] {
            Dictionary(uniqueKeysWithValues: rows.map { ($0.unit, $0) })
        }
        let rolled = try await f.store.stats(from: from, to: to, units: units)
        let scanned = try await f.store.scannedStats(from: from, to: to, units: units)
        #expect(byUnit(rolled) == byUnit(scanned))
        let centre = try await f.store.figures(from: from, to: to, units: units).centre
        #expect(centre == (try await f.store.scannedFigures(from: from, to: to, units: units).centre))
        #expect(
            centre.received == 36 && centre.answered == 6 && centre.rated == 3 && centre.badRatings == 1
                && centre.callbacksDone == 1
        )
        // 30 dispatched, and the centre-answered ticket the call-back sent to gas.
        #expect(rolled.reduce(0) { $0 + $1.dispatched } == 31)
        #expect(
            rolled.contains { $0.overdue > 0 } && rolled.contains { $0.badRatings > 0 }
                && rolled.contains { $0.returned > 0 }
        )
        #expect(rolled.contains { $0.claimDue > $0.claimedOnTime } && rolled.contains { $0.replyDue > $0.replied })
        // Periods that cut hours: the rollup's whole hours and the scanned partial ones add up.
        let cut = start.addingTimeInterval(3000 * 7 + 1234.5)
        for (a, b) in [
            (cut, to), (from, cut), (cut, cut.addingTimeInterval(600)),
            (cut.addingTimeInterval(-7300), cut.addingTimeInterval(9000)),
        ] {
            #expect(
                try await f.store.figures(from: a, to: b, units: units).centre
                    == (try await f.store.scannedFigures(from: a, to: b, units: units).centre)
            )
            #expect(
                byUnit(try await f.store.stats(from: a, to: b, units: units))
                    == byUnit(try await f.store.scannedStats(from: a, to: b, units: units))
            )
        }

        // Folding the passings into the tickets changes no figure, on either path.
        #expect(try await f.store.unfoldedPassingCount() > 0)
        while try await f.store.foldPassedDeadlines(limit: 7) > 0 {}
        #expect(try await f.store.unfoldedPassingCount() == 0)
        let rolledAfter = try await f.store.stats(from: from, to: to, units: units)
        let scannedAfter = try await f.store.scannedStats(from: from, to: to, units: units)
        #expect(byUnit(rolledAfter) == byUnit(rolled))
        #expect(byUnit(scannedAfter) == byUnit(scanned))
    }
}
