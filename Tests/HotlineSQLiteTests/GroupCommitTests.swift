import Foundation
import GRDB
import HotlineStore
import Testing

@testable import HotlineCore
@testable import HotlineSQLite

@Suite("Group commit")
struct GroupCommitTests {
    @Test("Calls that arrive together commit together; one call's refusal fails only that call")
    func refusalsStayAlone() async throws {
        let f = try StoreFixture()
        let first = try await f.store.submit(
            Submission(channel: .hotline, submissionId: "k", content: "停水"),
            lifecycle: f.lifecycle,
            by: admin,
            at: noon
        )
        let before = f.store.groupCommitStatistics
        let store = f.store
        let lifecycle = f.lifecycle
        // 200 submissions at once, every tenth repeating key "k" with other content (a conflict).
        let outcomes = await withTaskGroup(of: (Int, Result<String, any Error>).self) { group in
            for n in 0..<200 {
                group.addTask {
                    let submission =
                        n % 10 == 0
                        ? Submission(channel: .hotline, submissionId: "k", content: "别的内容 \(n)")
                        : Submission(channel: .hotline, submissionId: "g-\(n)", content: "停水 \(n)")
                    do {
                        let result = try await store.submit(submission, lifecycle: lifecycle, by: admin, at: noon)
                        return (n, .success(result.ticket.id))
                    } catch {
                        return (n, .failure(error))
                    }
                }
            }
            var all: [Int: Result<String, any Error>] = [:]
            for await (n, outcome) in group { all[n] = outcome }
            return all
        }
        let after = f.store.groupCommitStatistics
        #expect(after.calls - before.calls == 200, "every call, refused or not, was answered from a committed group")
        #expect(
            after.groups - before.groups < 180,
            "the calls were grouped: \(after.groups - before.groups) transactions"
        )
        var ids: Set<String> = []
        for (n, outcome) in outcomes {
            switch outcome {
            case .success(let id):
                #expect(n % 10 != 0)
                ids.insert(id)
            case .failure(let error):
                #expect(n % 10 == 0)
                #expect(error as? HotlineError == .submissionConflict(id: first.ticket.id, field: "content"))
            }
        }
        #expect(ids.count == 180)
        let stored = try await DatabaseQueue(path: f.path).read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM ticket")
        }
        #expect(stored == 181)
        let events = try await DatabaseQueue(path: f.path).read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM event")
        }
        #expect(events == 181 * 2)
    }

    @Test("After a restart the ticket numbers of the day go on from the stored tickets")
    func numbersAfterRestart() async throws {
        let f = try StoreFixture()
        for n in 1...3 {
            _ = try await f.store.submit(
                Submission(channel: .hotline, submissionId: "\(n)", content: "停水"),
                lifecycle: f.lifecycle,
                by: admin,
                at: noon
            )
        }
        let reopened = try SQLiteTicketStore(path: f.path)
        let next = try await reopened.submit(
            Submission(channel: .hotline, submissionId: "4", content: "停水"),
            lifecycle: f.lifecycle,
            by: admin,
            at: noon
        )
        #expect(next.ticket.id == "20260921-0004")
    }
}

@Suite("Group commit without savepoints")
struct GroupCommitReplayTests {
    @Test(
        "A call that fails before writing fails alone; one that fails after writing is replayed alone and leaves nothing"
    )
    func failuresInAGroup() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hotline-group-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = try DatabasePool(path: directory.appendingPathComponent("group.db").path)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE note (n INTEGER PRIMARY KEY)") }
        let committer = GroupCommitter(pool: pool)

        // 300 calls at once: every tenth refuses before writing, every 25th after writing.
        let outcomes = await withTaskGroup(of: (Int, HotlineError?).self) { group in
            for n in 0..<300 {
                group.addTask {
                    do {
                        try await committer.write { db in
                            if n % 10 == 0 { throw HotlineError.permissionDenied }
                            try db.execute(sql: "INSERT INTO note (n) VALUES (?)", arguments: [n])
                            if n % 25 == 0 { throw HotlineError.noSuchTicket(id: "\(n)") }
                        }
                        return (n, nil)
                    } catch {
                        return (n, error as? HotlineError)
                    }
                }
            }
            var all: [Int: HotlineError?] = [:]
            for await (n, error) in group { all[n] = error }
            return all
        }
        for (n, error) in outcomes {
            if n % 10 == 0 {
                #expect(error == .permissionDenied, "call \(n)")
            } else if n % 25 == 0 {
                #expect(error == .noSuchTicket(id: "\(n)"), "call \(n)")
            } else {
                #expect(error == nil, "call \(n)")
            }
        }
        let stored = Set(try await pool.read { try Int.fetchAll($0, sql: "SELECT n FROM note") })
        let expected = Set((0..<300).filter { $0 % 10 != 0 && $0 % 25 != 0 })
        #expect(stored == expected, "the failing calls left no row; every other call's row is stored")
        #expect(committer.statistics.groups < 300, "the calls were grouped")
    }
}
