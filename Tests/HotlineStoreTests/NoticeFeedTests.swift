import Foundation
import HotlineCore
import HotlineStore
import HotlineTesting
import Testing

/// The notices of a database that several daemons share (contract §11): kept in the database
/// and read back in order by each daemon, none skipped, none read twice.
@Suite("A shared store's notice feed")
struct NoticeFeedTests {
    @Test("A store for one daemon has no feed: its daemon sends each change's notices itself")
    func sqliteHasNone() async throws {
        let s = try await StoreUnderTest.make(.sqlite)
        #expect(s.store.noticeFeed == nil)
    }

    @Test(
        "A transaction that commits after a later one is not skipped: the later one's notices wait for it, then both come in order",
        .enabled(if: TestPostgres.available, "needs the test PostgreSQL server")
    )
    func lateCommitIsNotSkipped() async throws {
        let s = try await StoreUnderTest.make(.postgresql)
        let feed = try #require(s.store.noticeFeed)
        let url = try #require(s.postgresURL)
        let start = try await feed.noticeCursor()
        let first = try await s.submit("first").ticket.id

        // Another writer's transaction takes its id and writes a notice, then stays open until
        // the test ends it (psql runs each statement as its line arrives).
        let open = Process()
        open.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        open.arguments = [url, "-X", "-q", "-v", "ON_ERROR_STOP=1"]
        let input = Pipe()
        open.standardInput = input
        open.standardOutput = FileHandle.nullDevice
        try open.run()
        input.fileHandleForWriting.write(
            Data(
                "BEGIN;\nINSERT INTO notice (at, kind, ticket_id, unit) VALUES (now(), 'urged', 'held-1', 'water');\n"
                    .utf8
            )
        )
        var waited = 0
        while try TestPostgres.psql(
            url,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
        ) == "0" {
            waited += 1
            try #require(waited < 200, "the other transaction never started")
            usleep(10_000)
        }
        let second = try await s.submit("second").ticket.id

        let during = try await feed.notices(after: start, limit: 100)
        #expect(during.notices.map(\.ticketID) == [first], "only what is older than the open transaction")
        #expect(during.held, "the later commit waits behind the open transaction")
        input.fileHandleForWriting.write(Data("COMMIT;\n".utf8))
        try input.fileHandleForWriting.close()
        open.waitUntilExit()
        #expect(open.terminationStatus == 0)

        let after = try await feed.notices(after: during.cursor, limit: 100)
        #expect(after.notices.map(\.ticketID) == ["held-1", second])
        #expect(after.notices.map(\.kind) == [.urged, .dispatched] && !after.held && !after.more)
        #expect(after.notices.last?.unit == "water" && after.notices.last?.coUnits == ["gas"])
        // Read from the same place again, nothing is new; from the start, all three in order.
        #expect(try await feed.notices(after: after.cursor, limit: 100).notices.isEmpty)
        let all = try await feed.notices(after: start, limit: 2)
        #expect(all.notices.map(\.ticketID) == [first, "held-1"] && all.more)
        let rest = try await feed.notices(after: all.cursor, limit: 2)
        #expect(rest.notices.map(\.ticketID) == [second] && !rest.more)
    }

    @Test(
        "A new reader starts after what is already written; old notices are deleted in batches",
        .enabled(if: TestPostgres.available, "needs the test PostgreSQL server")
    )
    func startAndPrune() async throws {
        let s = try await StoreUnderTest.make(.postgresql)
        let feed = try #require(s.store.noticeFeed)
        for key in ["a", "b", "c"] { _ = try await s.submit(key) }
        let start = try await feed.noticeCursor()
        #expect(try await feed.notices(after: start, limit: 100).notices.isEmpty)
        let d = try await s.submit("d").ticket.id
        #expect(try await feed.notices(after: start, limit: 100).notices.map(\.ticketID) == [d])

        #expect(try await feed.pruneNotices(writtenBefore: Date().addingTimeInterval(-3600), limit: 10) == 0)
        #expect(try await feed.pruneNotices(writtenBefore: Date().addingTimeInterval(60), limit: 3) == 3)
        #expect(try await feed.pruneNotices(writtenBefore: Date().addingTimeInterval(60), limit: 3) == 1)
        #expect(try s.sql(sqlite: "", postgres: "SELECT count(*) FROM notice") == "0")
    }
}
