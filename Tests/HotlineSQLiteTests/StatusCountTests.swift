import Foundation
import GRDB
import HotlineStore
import Testing

@testable import HotlineCore
@testable import HotlineSQLite

@Suite("Status counts")
struct StatusCountTests {
    @Test("Status counts through indexes only, never scanning the ticket table")
    func indexedCounts() async throws {
        let f = try StoreFixture()
        let plan = try await DatabaseQueue(path: f.path).read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteTicketStore.statusCountsSQL).map {
                $0["detail"] as String
            }
        }
        #expect(!plan.isEmpty)
        for step in plan where step.contains("ticket") {
            #expect(step.contains("USING COVERING INDEX") || step.contains("USING INDEX"), "\(step)")
            #expect(!step.hasPrefix("SCAN ticket") || step.contains("INDEX"), "\(step)")
        }
        let counts = try await f.store.statusCounts()
        #expect(counts.open == 0 && counts.overdue == 0)
    }
}
