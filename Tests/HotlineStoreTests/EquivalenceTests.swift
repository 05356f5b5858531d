import Foundation
import HotlineCore
import HotlineStore
import HotlineTesting
import Testing

/// The two backends side by side: the same month of work, every kind of change, the clock
/// sweeping in between, and then every reading compared. The backends keep their figures
/// differently (SQLite in hour rollups moved by each change, PostgreSQL in hour rollups
/// compacted in the background from changes a trigger records), so this is where a
/// difference would show: the figures are read with changes still waiting to be compacted,
/// some compacted along the way, and again once all are.
@Suite(
    "SQLite and PostgreSQL answer alike",
    .enabled(if: TestPostgres.available, "scripts/test starts a PostgreSQL server (as root) for these")
)
struct EquivalenceTests {
    /// A seeded generator, so that both stores get the very same calls.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// What the work leaves to read.
    struct Readings: Equatable {
        var outcomes: [String] = []
        var tickets: [Ticket] = []
        var histories: [[TicketEvent]] = []
        var figures: [UnitStats] = []
        var centre = CentreStats()
        var hotspots: [String] = []
        var compacted: [String] = []
        var searches: [String] = []
        var counts = StatusCounts(open: 0, pending: 0, overdue: 0, callbacksDue: 0)
    }

    static func work(_ s: StoreUnderTest) async throws -> Readings {
        var random = Seeded(state: 42)
        var readings = Readings()
        let categories = ["water", "road", "noise", nil]
        let districts = ["岳阳楼区", "君山区", nil]
        let contents = ["小区停水三天", "路灯不亮", "夜间施工噪音", "停水又停电", "井盖缺失"]
        var ids: [String] = []
        var now = noon
        func record(_ body: () async throws -> String) async {
            do { readings.outcomes.append(try await body()) } catch { readings.outcomes.append("\(error)") }
        }
        for step in 0..<240 {
            now = now.addingTimeInterval(Double(Int.random(in: 60...5400, using: &random)))
            if step % 40 == 39 {
                let swept = try await s.store.sweepBatch(at: now, warnFraction: 0.8, batchSize: 25)
                readings.outcomes.append("swept \(swept.examined) \(swept.passed.count) \(swept.notices.count)")
                if step % 80 == 79 {
                    _ = try await s.store.foldPassedDeadlines(limit: 3)
                    _ = try await s.store.compactFigures(limit: 7)
                }
                continue
            }
            if ids.isEmpty || Int.random(in: 0..<3, using: &random) == 0 {
                let content = contents.randomElement(using: &random)!
                let category = categories.randomElement(using: &random)!
                let district = districts.randomElement(using: &random)!
                let key = "k-\(Int.random(in: 0..<200, using: &random))"
                await record {
                    let result = try await s.submit(key, content, at: now) {
                        $0.category = category
                        $0.location.district = district
                        $0.citizen = Citizen(phone: "1381234567\(step % 3)")
                    }
                    if result.created { ids.append(result.ticket.id) }
                    return "submit \(result.ticket.id) \(result.created) \(result.possibleDuplicates)"
                }
                continue
            }
            let id = ids.randomElement(using: &random)!
            let commands: [(TicketCommand, Caller)] = [
                (
                    .dispatch(unit: ["water", "power", "gas"].randomElement(using: &random)!, coUnits: [], note: nil),
                    operatorCaller
                ),
                (.claim, water), (.claim, power), (.progress(note: "处理中"), water),
                (.return(reason: "不属本单位"), power), (.reply(result: "已修复"), water), (.reply(result: "已处理"), power),
                (.rate(rating: .verySatisfied, solved: true, comment: nil), admin),
                (.rate(rating: .dissatisfied, solved: false, comment: "没修好"), admin),
                (.callback(outcome: .rectify, note: "重办"), operatorCaller),
                (.callback(outcome: .explained, note: "已解释"), operatorCaller),
                (.urge(note: "催办"), operatorCaller), (.supervise(note: "督办"), admin),
                (.requestExtension(reason: "需协调", until: nil, longTerm: false), water),
                (.decideExtension(approve: true, note: nil), admin),
                (.answer(text: "已电话答复", knowledge: []), operatorCaller),
            ]
            let (command, caller) = commands.randomElement(using: &random)!
            await record {
                let transition = try await s.store.apply(command, to: id, lifecycle: s.lifecycle, by: caller, at: now)
                return "\(command.operation) \(id) \(transition.ticket.status) \(transition.events.count)"
            }
        }
        let end = now.addingTimeInterval(30 * 86400)
        while try await s.store.sweepBatch(at: end, warnFraction: 0.8, batchSize: 50).examined > 0 {}
        _ = try await s.store.foldPassedDeadlines(limit: 5)
        for id in ids {
            let (ticket, history) = try await s.store.ticket(id, visibleTo: admin)
            readings.tickets.append(ticket)
            readings.histories.append(history)
        }
        // The month, from a period that does not begin or end on the hour.
        let from = noon.addingTimeInterval(-1234.5)
        let (units, centre) = try await s.store.figures(from: from, to: end, units: ["water", "power", "gas"])
        readings.figures = units.sorted { $0.unit < $1.unit }
        readings.centre = centre
        let half = noon.addingTimeInterval((now.timeIntervalSince(noon)) / 2 + 0.25)
        for key in HotspotKey.allCases {
            let spots = try await s.store.hotspots(from: half, to: now.addingTimeInterval(1), by: key, limit: 10)
            readings.hotspots.append("\(key) \(spots.total) \(spots.rows)")
        }
        // Once every change is compacted, the same figures and hot spots.
        while try await s.store.compactFigures(limit: 20) > 0 {}
        let compacted = try await s.store.figures(from: from, to: end, units: ["water", "power", "gas"])
        readings.compacted.append("\(compacted.units.sorted { $0.unit < $1.unit }) \(compacted.centre)")
        for key in HotspotKey.allCases {
            let spots = try await s.store.hotspots(from: half, to: now.addingTimeInterval(1), by: key, limit: 10)
            readings.compacted.append("\(key) \(spots.total) \(spots.rows)")
        }
        for text in ["停水", "路灯", "停水三天", "噪音 施工"] {
            var query = SearchQuery()
            query.words = SearchTerms.words(text)
            query.limit = 5
            let found = try await s.store.search(query, visibleTo: admin)
            readings.searches.append("\(text) \(found.total) \(found.tickets.map(\.id)) \(found.next ?? "-")")
        }
        readings.counts = try await s.store.statusCounts()
        return readings
    }

    @Test("A month of every kind of change reads the same on both: tickets, histories, figures, hot spots, search")
    func sameMonth() async throws {
        let sqlite = try await Self.work(try await StoreUnderTest.make(.sqlite))
        let postgres = try await Self.work(try await StoreUnderTest.make(.postgresql))
        #expect(sqlite.outcomes.count == 240)
        #expect(sqlite.tickets.count > 40, "the work made tickets")
        #expect(
            sqlite.outcomes.filter { $0.hasPrefix("claim") || $0.hasPrefix("reply") }.count > 5,
            "and moved them on"
        )
        #expect(sqlite.figures.contains { $0.overdue > 0 } && sqlite.figures.contains { $0.replied > 0 })
        for (a, b) in zip(sqlite.outcomes, postgres.outcomes) where a != b { Issue.record("outcome: \(a) / \(b)") }
        #expect(sqlite.outcomes == postgres.outcomes)
        #expect(sqlite.tickets == postgres.tickets)
        #expect(sqlite.histories == postgres.histories)
        #expect(sqlite.figures == postgres.figures)
        #expect(sqlite.centre == postgres.centre)
        #expect(sqlite.hotspots == postgres.hotspots)
        #expect(sqlite.compacted == postgres.compacted)
        #expect(postgres.compacted[0] == "\(postgres.figures) \(postgres.centre)", "compacting changes no figure")
        #expect(sqlite.searches == postgres.searches)
        #expect(sqlite.counts == postgres.counts)
    }
}
