import Foundation
import HotlineCore
import HotlineStore
import Testing

/// The knowledge base on each backend.
@Suite("Every store: the knowledge base")
struct KnowledgeBehaviourTests {
    @Test(
        "Versions: an update needs the current version, keeps the one it replaces; retiring twice changes nothing",
        arguments: Backend.available
    )
    func versions(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        let added = try await s.store.addEntry(KnowledgeDraft(title: "燃气开户", body: "带房产证"), by: 1002, at: noon)
        #expect(added.id == "K000001" && added.version == 1)
        let next = try await s.store.updateEntry(
            added.id,
            version: 1,
            KnowledgeEdit(body: "带身份证"),
            by: 1002,
            at: noon.addingTimeInterval(60)
        )
        #expect(next.version == 2 && next.body == "带身份证" && next.createdAt == added.createdAt)
        await #expect(throws: HotlineError.staleVersion(id: added.id, version: 2)) {
            try await s.store.updateEntry(added.id, version: 1, KnowledgeEdit(body: "x"), by: 1002, at: noon)
        }
        let retired = try await s.store.retireEntry(added.id, note: "政策调整", by: 1002, at: noon.addingTimeInterval(120))
        #expect(retired.retired && retired.version == 3)
        #expect(try await s.store.retireEntry(added.id, note: "again", by: 1002, at: noon) == retired)
        let (current, versions) = try await s.store.entry(added.id)
        #expect(current == retired && versions.map(\.version) == [1, 2] && versions[0] == added)
        await #expect(throws: HotlineError.noSuchEntry(id: "K000009")) { try await s.store.entry("K000009") }
    }

    @Test(
        "A change of the text replaces the entry's search tokens: the old words no longer find it",
        arguments: Backend.available
    )
    func tokensFollowTheText(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        let added = try await s.store.addEntry(
            KnowledgeDraft(title: "燃气开户", body: "带房产证", keywords: ["通气"]),
            by: 1002,
            at: noon
        )
        func found(_ word: String) async throws -> [String] {
            try await s.store.searchEntries(KnowledgeQuery(words: [word]), at: noon).entries.map(\.id)
        }
        #expect(try await found("通气") == [added.id])
        _ = try await s.store.updateEntry(
            added.id,
            version: 1,
            KnowledgeEdit(body: "带身份证", keywords: ["安检"]),
            by: 1002,
            at: noon
        )
        #expect(try await found("通气").isEmpty)
        #expect(try await found("房产").isEmpty)
        #expect(try await found("安检") == [added.id])
        #expect(try await found("身份证") == [added.id])
        #expect(try await found("燃气") == [added.id])
    }

    @Test(
        "Search ranks title matches first, then by uses, then the newest version; retired only when asked",
        arguments: Backend.available
    )
    func ranking(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        let inBody = try await s.store.addEntry(KnowledgeDraft(title: "供水须知", body: "计划停水提前公告"), by: 1002, at: noon)
        let cited = try await s.store.addEntry(KnowledgeDraft(title: "突发停水", body: "抢修"), by: 1002, at: noon)
        let plain = try await s.store.addEntry(KnowledgeDraft(title: "停水通知", body: "查询"), by: 1002, at: noon)
        let gone = try await s.store.addEntry(KnowledgeDraft(title: "停水旧规", body: "作废"), by: 1002, at: noon)
        _ = try await s.store.retireEntry(gone.id, note: "作废", by: 1002, at: noon)
        _ = try await s.submit("q", "停水了") {
            $0.answer = "按突发停水答复"
            $0.knowledge = [cited.id, cited.id]
        }
        let result = try await s.store.searchEntries(KnowledgeQuery(words: ["停水"]), at: noon)
        #expect(result.entries.map(\.id) == [cited.id, plain.id, inBody.id] && result.total == 3)
        #expect(result.entries[0].uses == 1, "cited twice in one ticket counts once")
        var all = KnowledgeQuery(words: ["停水"])
        all.includeRetired = true
        #expect(try await s.store.searchEntries(all, at: noon).total == 4)
        await #expect(throws: HotlineError.noSuchEntry(id: gone.id)) {
            try await s.submit("r", "停水") {
                $0.answer = "旧规"
                $0.knowledge = [gone.id]
            }
        }
        #expect(try s.sql("SELECT count(*) FROM ticket") == "1", "the refused Submit stored nothing")
    }

    @Test(
        "An open import's entries are outside the base until its commit; discarding removes them",
        arguments: Backend.available
    )
    func importVisibility(_ backend: Backend) async throws {
        let s = try await StoreUnderTest.make(backend)
        let (id, staged) = try await s.store.stageImport(
            nil,
            [KnowledgeDraft(title: "井盖缺失", body: "先设警示"), KnowledgeDraft(title: "路灯不亮", body: "报编号")],
            by: 1002,
            at: noon
        )
        #expect(staged == 2)
        #expect(
            try await s.store.stageImport(id, [KnowledgeDraft(title: "树木倒伏", body: "园林")], by: 1002, at: noon).staged
                == 3
        )
        await #expect(throws: HotlineError.noSuchEntry(id: "K000001")) { try await s.store.entry("K000001") }
        await #expect(throws: HotlineError.noSuchEntry(id: "K000001")) {
            try await s.submit("a", "井盖") {
                $0.answer = "已答"
                $0.knowledge = ["K000001"]
            }
        }
        #expect(try await s.store.searchEntries(KnowledgeQuery(words: ["井盖"]), at: noon).total == 0)
        await #expect(throws: HotlineError.noSuchImport(id: id)) { try await s.store.commitImport(id, by: 1003) }
        #expect(try await s.store.commitImport(id, by: 1002) == 3)
        #expect(try await s.store.entry("K000001").entry.title == "井盖缺失")
        #expect(try await s.store.searchEntries(KnowledgeQuery(words: ["井盖"]), at: noon).total == 1)
        await #expect(throws: HotlineError.noSuchImport(id: id)) { try await s.store.commitImport(id, by: 1002) }

        let (doomed, _) = try await s.store.stageImport(
            nil,
            [KnowledgeDraft(title: "占道经营", body: "城管")],
            by: 1002,
            at: noon
        )
        try await s.store.discardImport(doomed)
        #expect(try await s.store.searchEntries(KnowledgeQuery(words: ["占道"]), at: noon).total == 0)
        #expect(
            try s.sql(sqlite: "SELECT count(*) FROM knowledgeEntry", postgres: "SELECT count(*) FROM knowledge_entry")
                == "3"
        )
        #expect(throws: (any Error).self) {
            try s.sql(sqlite: "DELETE FROM knowledgeEntry", postgres: "DELETE FROM knowledge_entry")
        }
    }
}
