import Foundation
import GRDB
import HotlineStore
import Testing

@testable import HotlineCore
@testable import HotlineSQLite

@Suite("Checkpoints off the writer")
struct WALCheckpointTests {
    /// The size of the write-ahead log file, in pages of 4 KiB.
    static func logPages(_ f: StoreFixture) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: f.path + "-wal")
        return ((attributes[.size] as? NSNumber)?.intValue ?? 0) / 4096
    }

    @Test(
        "The log is copied back by the checkpoint thread and starts over: its file stays bounded, not as large as all that was written"
    )
    func logStaysBounded() async throws {
        let f = try StoreFixture()
        // One transaction per Submit, each writing several pages: ≈ 16,000 log pages in all.
        for n in 0..<1500 {
            _ = try await f.store.submit(
                Submission(channel: .hotline, submissionId: "c-\(n)", content: "停水 \(n)"),
                lifecycle: f.lifecycle,
                by: admin,
                at: noon
            )
        }
        let statistics = f.store.checkpointStatistics
        #expect(statistics.checkpoints >= 2, "the thread checkpointed: \(statistics)")
        #expect(statistics.failures == 0)
        let pages = try Self.logPages(f)
        #expect(pages <= Int(WALCheckpointer.writerThreshold) + 100, "log file \(pages) pages after 1,500 commits")
        // Everything is there and the file is sound once the log is copied back.
        try f.store.checkpoint()
        let queue = try DatabaseQueue(path: f.path)
        #expect(try await queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM ticket") } == 1500)
        #expect(try await queue.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
    }

    @Test("The writer no longer checkpoints inside its commits: SQLite's automatic checkpoint is replaced")
    func writerDoesNotCheckpoint() async throws {
        let f = try StoreFixture()
        _ = try await f.store.submit(
            Submission(channel: .hotline, submissionId: "a", content: "停水"),
            lifecycle: f.lifecycle,
            by: admin,
            at: noon
        )
        // sqlite3_wal_hook replaces the automatic checkpoint, which then reports 0 pages
        // (the hook is no longer SQLite's).
        let automatic = try await f.store.writer.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint")
        }
        #expect(automatic == 0)
    }
}
