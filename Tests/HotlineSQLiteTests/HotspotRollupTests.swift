import Foundation
import GRDB
import HotlineStore
import Testing

@testable import HotlineCore
@testable import HotlineSQLite

@Suite("The hot-spot rollup")
struct HotspotRollupTests {
    @Test("Hotspots from the hour rollup equal a count of every ticket, for whole and partial hours, after changes")
    func rollupEqualsScan() async throws {
        let f = try StoreFixture()
        let operatorCaller = Caller(credentials: PeerCredentials(uid: 1001, gid: 1001), role: .operator)
        let districts = ["岳阳楼区", "君山区", nil, "云溪区"]
        let categories = ["water", "power", nil]
        var ids: [String] = []
        // 120 tickets 37 minutes apart (three days), spread over districts, categories and channels.
        for i in 0..<120 {
            let submitted = try await f.store.submit(
                Submission(
                    channel: i % 4 == 0 ? .mailbox : .hotline,
                    submissionId: "h-\(i)",
                    content: i % 3 == 0 ? "路灯不亮" : "停水",
                    category: categories[i % 3],
                    location: Location(district: districts[i % 4])
                ),
                lifecycle: f.lifecycle,
                by: admin,
                at: noon.addingTimeInterval(Double(i) * 37 * 60)
            )
            ids.append(submitted.ticket.id)
        }
        // Keys change after Submit: the pending ones are dispatched, some routed ones returned.
        for (i, id) in ids.enumerated() where i % 3 == 0 {
            _ = try await f.store.apply(
                .dispatch(unit: i % 2 == 0 ? "power" : "gas", coUnits: [], note: nil),
                to: id,
                lifecycle: f.lifecycle,
                by: operatorCaller,
                at: noon.addingTimeInterval(4 * 86400)
            )
        }
        for (i, id) in ids.enumerated() where i % 3 == 1 && i % 5 == 0 {
            // Inside the return window: minutes after the ticket came in.
            let received = noon.addingTimeInterval(Double(i) * 37 * 60)
            _ = try await f.store.apply(
                .claim,
                to: id,
                lifecycle: f.lifecycle,
                by: water,
                at: received.addingTimeInterval(300)
            )
            _ = try await f.store.apply(
                .return(reason: "非本单位"),
                to: id,
                lifecycle: f.lifecycle,
                by: water,
                at: received.addingTimeInterval(600)
            )
        }
        // Periods aligned to hours, and not; shorter than an hour; around the data's edges.
        let periods: [(Double, Double)] = [
            (0, 86400), (3600, 86400 + 3600), (1234, 86400 + 4321), (600, 1800), (-86400, 86400),
            (86400 * 1.5, 86400 * 2.25), (7 * 60, 7 * 60 + 3 * 3600), (86400 * 2, 86400 * 10),
        ]
        for (from, to) in periods {
            for key in HotspotKey.allCases {
                let start = noon.addingTimeInterval(from)
                let end = noon.addingTimeInterval(to)
                let rolled = try await f.store.hotspots(from: start, to: end, by: key, limit: 100)
                let scanned = try await f.store.hotspotsByScan(from: start, to: end, by: key, limit: 100)
                #expect(rolled.rows == scanned.rows, "\(key) \(from)–\(to)")
                #expect(rolled.total == scanned.total, "\(key) \(from)–\(to)")
            }
        }
        let whole = try await f.store.hotspots(
            from: noon,
            to: noon.addingTimeInterval(86400 * 4),
            by: .unit,
            limit: 100
        )
        #expect(whole.total == 120 && whole.rows.contains { $0.key == nil } && whole.rows.contains { $0.key == "gas" })
    }

    @Test("The migration fills the rollup from the tickets already there")
    func migrationFills() async throws {
        let f = try StoreFixture()
        for i in 0..<30 {
            _ = try await f.store.submit(
                Submission(
                    channel: .hotline,
                    submissionId: "m-\(i)",
                    content: "停水",
                    category: i % 2 == 0 ? "water" : nil
                ),
                lifecycle: f.lifecycle,
                by: admin,
                at: noon.addingTimeInterval(Double(i) * 1800)
            )
        }
        let before = try await f.store.hotspots(
            from: noon,
            to: noon.addingTimeInterval(86400),
            by: .category,
            limit: 10
        )
        // Empty the rollup and fill it as the migration does.
        try await f.store.writer.write { db in
            try db.execute(sql: "DELETE FROM hotspotHour")
            try db.execute(sql: Schema.v9.components(separatedBy: ") WITHOUT ROWID;")[1])
        }
        let after = try await f.store.hotspots(from: noon, to: noon.addingTimeInterval(86400), by: .category, limit: 10)
        #expect(before.rows == after.rows && before.total == after.total && after.total == 30)
    }

    @Test("Submits committed in groups, some refused inside a group, leave the rollups equal to the tickets")
    func groupedSubmits() async throws {
        let f = try StoreFixture()
        let districts = ["岳阳楼区", "君山区", nil]
        let store = f.store
        let lifecycle = f.lifecycle
        let created = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<300 {
                group.addTask {
                    // Every tenth repeats the key before it with other content: one of the two
                    // is refused alone, whichever comes second.
                    let key = i % 10 == 9 ? "g-\(i - 1)" : "g-\(i)"
                    let result = try? await store.submit(
                        Submission(
                            channel: .hotline,
                            submissionId: key,
                            content: i % 2 == 0 ? "停水" : "路灯不亮\(i)",
                            category: i % 4 == 0 ? "water" : nil,
                            location: Location(district: districts[i % 3])
                        ),
                        lifecycle: lifecycle,
                        by: admin,
                        at: noon.addingTimeInterval(Double(i) * 20)
                    )
                    return result?.created == true
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(created < 300, "some submissions were refused")
        let (groups, calls) = f.store.groupCommitStatistics
        #expect(groups < calls, "the submits were committed in groups")
        let day = (noon.addingTimeInterval(-3600), noon.addingTimeInterval(86400))
        for key in HotspotKey.allCases {
            let rolled = try await f.store.hotspots(from: day.0, to: day.1, by: key, limit: 100)
            let scanned = try await f.store.hotspotsByScan(from: day.0, to: day.1, by: key, limit: 100)
            #expect(rolled.rows == scanned.rows && rolled.total == scanned.total && rolled.total == created, "\(key)")
        }
        let centre = try await f.store.reader.read { db in
            try Int.fetchOne(db, sql: "SELECT sum(received) FROM centreHour") ?? -1
        }
        #expect(centre == created)
    }
}
