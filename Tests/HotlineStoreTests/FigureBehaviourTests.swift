import Foundation
import HotlineCore
import HotlineStore
import Testing

/// The figures' rollups on each backend: whatever a store keeps on the side for its
/// rollups, moving it in (`compactFigures`) changes no figure and no hot spot.
@Suite("Every store: figures and hot spots from the rollups")
struct FigureBehaviourTests {
    @Test(
        "Figures and hot spots over whole and partial hours read the same before and after compaction",
        arguments: Backend.available
    )
    func compaction(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        // Tickets over five hours, some handled, one rated badly, one left without a unit.
        var ids: [String] = []
        for index in 0..<10 {
            let at = noon.addingTimeInterval(Double(index) * 1800 + 7)
            let ticket = try await s.submit("f\(index)", at: at) {
                $0.category = index % 3 == 0 ? "road" : "water"
                $0.location.district = index % 2 == 0 ? "岳阳楼区" : nil
            }.ticket
            ids.append(ticket.id)
        }
        for id in ids.prefix(6) { try await s.apply(.claim, to: id, by: water, at: noon.addingTimeInterval(9000)) }
        for id in ids.prefix(3) {
            try await s.apply(.reply(result: "已修复"), to: id, by: water, at: noon.addingTimeInterval(9100))
        }
        try await s.apply(
            .rate(rating: .dissatisfied, solved: false, comment: "没修好"),
            to: ids[1],
            at: noon.addingTimeInterval(9200)
        )

        // From a quarter past the first hour to the middle of the last: whole hours and two
        // partial ones.
        let from = noon.addingTimeInterval(900)
        let to = noon.addingTimeInterval(4 * 3600 + 1800)
        func read() async throws -> (figures: [UnitStats], centre: CentreStats, spots: [String]) {
            let (units, centre) = try await s.store.figures(from: from, to: to, units: ["water", "gas"])
            var spots: [String] = []
            for key in HotspotKey.allCases {
                let found = try await s.store.hotspots(from: from, to: to, by: key, limit: 10)
                spots.append("\(key) \(found.total) \(found.rows)")
            }
            return (units.sorted { $0.unit < $1.unit }, centre, spots)
        }
        let before = try await read()
        let water = try #require(before.figures.first { $0.unit == "water" })
        #expect(water.dispatched == 8 && water.badRatings == 1, "eight of the ten were received in the period")

        var moved = 0
        while case let count = try await s.store.compactFigures(limit: 4), count > 0 { moved += count }
        let after = try await read()
        #expect(after.figures == before.figures)
        #expect(after.centre == before.centre)
        #expect(after.spots == before.spots)
        switch backend {
        case .sqlite: #expect(moved == 0, "SQLite writes its rollups in place")
        case .postgresql: #expect(moved >= 10 + 6 + 3 + 1, "one change a Submit, more for each later change")
        }
    }
}
