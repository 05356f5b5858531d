import Foundation
import GRDB
import HotlineStore
import Testing

@testable import HotlineCore
@testable import HotlineSQLite

@Suite("The knowledge base in the SQLite store")
struct KnowledgeStoreTests {
    @Test("Versions are kept by the schema itself: a kept version cannot change, nothing can be deleted")
    func versionsKeptBySchema() async throws {
        let f = try StoreFixture()
        let added = try await f.store.addEntry(KnowledgeDraft(title: "停水", body: "抢修"), by: 1002, at: noon)
        _ = try await f.store.updateEntry(added.id, version: 1, KnowledgeEdit(body: "抢修热线"), by: 1002, at: noon)
        let db = try DatabaseQueue(path: f.path)
        let refusals = [
            "UPDATE knowledgeVersion SET body = 'x'",
            "DELETE FROM knowledgeVersion",
            "DELETE FROM knowledgeEntry",
            // Content changes only as the next version, once the one it replaces is kept.
            "UPDATE knowledgeEntry SET body = 'x'",
            "UPDATE knowledgeEntry SET body = 'x', version = 3",
            "UPDATE knowledgeEntry SET version = 1",
            "UPDATE knowledgeEntry SET uses = -1",
        ]
        for sql in refusals {
            #expect(throws: DatabaseError.self, "\(sql)") { try db.write { db in try db.execute(sql: sql) } }
        }
        // Counting a use is no new version.
        try await db.write { try $0.execute(sql: "UPDATE knowledgeEntry SET uses = uses + 1") }
        let (entry, versions) = try await f.store.entry(added.id)
        #expect(entry.version == 2 && entry.body == "抢修热线" && entry.uses == 1)
        #expect(versions.map(\.body) == ["抢修"])
    }

    @Test("Search by the indexes alone gives exactly what reading every match gives, walking the rank index or not")
    func indexPathEqualsTextPath() async throws {
        let f = try StoreFixture()
        // 400 entries: 停水 in most bodies, in some titles; 社保 in a few; uses, retired and
        // expired spread over them; an open import's entries among them.
        for index in 0..<400 {
            let title = index % 7 == 0 ? "停水通知\(index)" : index % 11 == 0 ? "社保卡\(index)" : "事项\(index)"
            let body = (index % 3 == 0 ? "社保" : "") + (index % 5 == 4 ? "其他" : "计划停水") + "说明\(index)"
            let validUntil = index % 13 == 0 ? noon.addingTimeInterval(index % 2 == 0 ? -60 : 86400) : nil
            let entry = try await f.store.addEntry(
                KnowledgeDraft(title: title, body: body, validUntil: validUntil),
                by: 1002,
                at: noon.addingTimeInterval(Double(index % 17) * -60)
            )
            if index % 19 == 0 { _ = try await f.store.retireEntry(entry.id, note: "废止", by: 1002, at: noon) }
            if index % 4 == 1 {
                try await f.store.writer.write { db in
                    try db.execute(
                        sql: "UPDATE knowledgeEntry SET uses = ? WHERE id = ?",
                        arguments: [index % 9, entry.id]
                    )
                }
            }
        }
        _ = try await f.store.stageImport(nil, [KnowledgeDraft(title: "停水暂存", body: "停水")], by: 1002, at: noon)
        for words in [["停水"], ["社保"], ["停水", "社保"], ["说明"], ["通知"], ["无此"]] {
            for limit in [1, 20, 100] {
                for includeRetired in [false, true] {
                    let query = KnowledgeQuery(words: words, limit: limit, includeRetired: includeRetired)
                    let (byIndex, byText) = try await f.store.reader.read { db in
                        (
                            try SQLiteTicketStore.searchEntriesByIndex(query, at: noon, db),
                            try SQLiteTicketStore.searchEntriesByText(query, at: noon, db)
                        )
                    }
                    #expect(byIndex.total == byText.total, "\(query)")
                    #expect(byIndex.entries.map(\.id) == byText.entries.map(\.id), "\(query)")
                }
            }
        }
        let common = try await f.store.searchEntries(KnowledgeQuery(words: ["停水"]), at: noon)
        #expect(common.total > 200 && common.entries.first?.title.hasPrefix("停水通知") == true)
    }
}
