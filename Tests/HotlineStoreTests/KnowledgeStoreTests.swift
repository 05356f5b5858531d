import Foundation
import GRDB
import Testing

@testable import HotlineCore
@testable import HotlineStore

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
}
