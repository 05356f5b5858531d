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

    @Test("A change of the text replaces the entry's search tokens: the old words no longer find it")
    func tokensFollowTheText() async throws {
        let f = try StoreFixture()
        let added = try await f.store.addEntry(
            KnowledgeDraft(title: "燃气开户", body: "带房产证", keywords: ["通气"]),
            by: 1002,
            at: noon
        )
        func found(_ word: String) async throws -> [String] {
            try await f.store.searchEntries(KnowledgeQuery(words: [word]), at: noon).entries.map(\.id)
        }
        #expect(try await found("通气") == [added.id])
        _ = try await f.store.updateEntry(
            added.id,
            version: 1,
            KnowledgeEdit(body: "带身份证", keywords: ["安检"]),
            by: 1002,
            at: noon
        )
        #expect(try await found("通气").isEmpty)
        #expect(try await found("房产").isEmpty)
        #expect(try await found("安检") == [added.id])
        #expect(try await found("身份") == [added.id])
        #expect(try await found("燃气") == [added.id])
        let index = try await DatabaseQueue(path: f.path).read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM knowledgeText WHERE knowledgeText MATCH '\"房产\"'")
        }
        #expect(index == 0, "the old tokens are gone from the index itself")
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

    @Test("An open import's entries are outside the base until its commit; discarding removes them and their tokens")
    func importVisibility() async throws {
        let f = try StoreFixture()
        let (id, staged) = try await f.store.stageImport(
            nil,
            [KnowledgeDraft(title: "井盖缺失", body: "先设警示"), KnowledgeDraft(title: "路灯不亮", body: "报编号")],
            by: 1002,
            at: noon
        )
        #expect(staged == 2)
        await #expect(throws: HotlineError.noSuchEntry(id: "K000001")) { try await f.store.entry("K000001") }
        await #expect(throws: HotlineError.noSuchEntry(id: "K000001")) {
            try await f.store.submit(
                Submission(channel: .hotline, submissionId: "a", content: "井盖", answer: "已答", knowledge: ["K000001"]),
                lifecycle: f.lifecycle,
                by: admin,
                at: noon
            )
        }
        #expect(try await f.store.searchEntries(KnowledgeQuery(words: ["井盖"]), at: noon).total == 0)
        await #expect(throws: HotlineError.noSuchImport(id: id)) { try await f.store.commitImport(id, by: 1003) }
        #expect(try await f.store.commitImport(id, by: 1002) == 2)
        #expect(try await f.store.entry("K000001").entry.title == "井盖缺失")
        #expect(try await f.store.searchEntries(KnowledgeQuery(words: ["井盖"]), at: noon).total == 1)

        let (doomed, _) = try await f.store.stageImport(
            nil,
            [KnowledgeDraft(title: "占道经营", body: "城管")],
            by: 1002,
            at: noon
        )
        try await f.store.discardImport(doomed)
        let left = try await f.store.reader.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM knowledgeEntry") ?? -1,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM knowledgeText WHERE knowledgeText MATCH '\"占道\"'")
                    ?? -1,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM knowledgeTitle WHERE knowledgeTitle MATCH '\"占道\"'")
                    ?? -1
            )
        }
        #expect(left == (2, 0, 0))
        // A committed import's entries are entries like any other: never deleted.
        let db = try DatabaseQueue(path: f.path)
        #expect(throws: DatabaseError.self) { try db.write { try $0.execute(sql: "DELETE FROM knowledgeEntry") } }
    }
}
