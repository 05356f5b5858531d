import GRDB
import Synchronization

/// The one writer of the store, with group commit: the write calls that arrive while a
/// commit is in flight wait in a queue, and the next transaction takes all of them (up to
/// `maximumBatch`), then commits once (`synchronous = FULL`: one sync for the whole group)
/// and only then answers each caller.
///
/// A call that fails for its own reasons (a `HotlineError`: no such ticket, a refused
/// transition, a conflicting submission) fails alone; the others in the group commit. Calls
/// check before they write, so such a call has changed nothing; should one fail after
/// writing, or should storage fail (disk full, I/O error, which can leave the transaction
/// unusable), the whole group is rolled back and every call in it is run again in a
/// transaction of its own: only the calls that fail alone get the error, and nothing is
/// acknowledged that is not on disk.
///
/// Reads never come here: they go to the pool's WAL readers and never wait for the writer.
final class GroupCommitter: Sendable {
    /// The most calls one transaction takes. Bounds the latency a call can add to the others
    /// in its group and the size of one WAL append.
    static let maximumBatch = 256

    /// One queued call: `run` does its work inside the open transaction and returns what to
    /// tell the caller once the transaction has committed; `fail` tells the caller the group
    /// could not be stored.
    private struct Job: Sendable {
        let run: @Sendable (Database) throws -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private struct Queue {
        var jobs: [Job] = []
        var scheduled = false
    }

    /// What every group transaction does besides its calls: `begin` before the first call
    /// (also before each replay of a call alone), `finish` after the last, inside the
    /// transaction. The store writes the group's rollup changes there, once for all its calls.
    struct TransactionHooks: Sendable {
        /// Called as a transaction begins.
        var begin: @Sendable () -> Void
        /// Called after the transaction's last call, before it commits.
        var finish: @Sendable (Database) throws -> Void
    }

    private let pool: DatabasePool
    private let hooks: TransactionHooks?
    private let queue = Mutex(Queue())
    private let groupSizes = Mutex<(groups: Int, calls: Int)>((0, 0))

    init(pool: DatabasePool, hooks: TransactionHooks? = nil) {
        self.pool = pool
        self.hooks = hooks
    }

    /// Runs `body` in the next group transaction and returns its result once that
    /// transaction is on disk. Errors thrown by `body` that are not database errors
    /// (`HotlineError`) roll back this call alone.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                run: { db in
                    switch try Self.run(db, { try body(db) }) {
                    case .success(let result): return { continuation.resume(returning: result) }
                    case .failure(let error): return { continuation.resume(throwing: error) }
                    }
                },
                fail: { continuation.resume(throwing: $0) }
            )
            enqueue(job)
        }
    }

    /// Groups committed so far and the calls they held (for the benchmark and the tests).
    var statistics: (groups: Int, calls: Int) { groupSizes.withLock { $0 } }

    /// A call's own error, raised after the call had already changed rows: the group's
    /// transaction cannot keep the others' work without that call's, so the group is rolled
    /// back and every call in it replayed alone.
    private struct FailedAfterWriting: Error {
        let error: any Error
    }

    /// Runs one call inside the group's transaction, without a savepoint. Calls check
    /// before they write, so one that fails for its own reasons has changed nothing and fails
    /// alone while the group goes on; SQLite's count of changed rows tells. A savepoint per
    /// call cost ≈ 9 % of the writer's time in SQLite. A database error, or a call's own
    /// error after it wrote, ends the group (see ``FailedAfterWriting``).
    private static func run<T>(_ db: Database, _ body: () throws -> T) throws -> Result<T, any Error> {
        let changes = db.totalChangesCount
        do {
            return .success(try body())
        } catch let error as DatabaseError {
            throw error
        } catch {
            guard db.totalChangesCount == changes else { throw FailedAfterWriting(error: error) }
            return .failure(error)
        }
    }

    private func enqueue(_ job: Job) {
        let schedule = queue.withLock { queue -> Bool in
            queue.jobs.append(job)
            if queue.scheduled { return false }
            queue.scheduled = true
            return true
        }
        if schedule { scheduleGroup() }
    }

    /// Takes one group on the writer's queue. Each group is its own turn on that queue, so a
    /// sweep waiting for the writer gets its turn between groups even under constant load.
    private func scheduleGroup() {
        pool.asyncWriteWithoutTransaction { db in
            let group = self.queue.withLock { queue -> [Job] in
                let count = min(queue.jobs.count, Self.maximumBatch)
                let group = Array(queue.jobs.prefix(count))
                queue.jobs.removeFirst(count)
                return group
            }
            self.commit(group, db)
            let more = self.queue.withLock { queue -> Bool in
                queue.scheduled = !queue.jobs.isEmpty
                return queue.scheduled
            }
            if more { self.scheduleGroup() }
        }
    }

    private func commit(_ group: [Job], _ db: Database) {
        guard !group.isEmpty else { return }
        var answers: [@Sendable () -> Void] = []
        answers.reserveCapacity(group.count)
        do {
            try db.inTransaction(.immediate) {
                hooks?.begin()
                for job in group { answers.append(try job.run(db)) }
                try hooks?.finish(db)
                return .commit
            }
        } catch {
            if group.count == 1 {
                group[0].fail((error as? FailedAfterWriting)?.error ?? error)
            } else {
                for job in group { commit([job], db) }
            }
            return
        }
        groupSizes.withLock {
            $0.groups += 1
            $0.calls += group.count
        }
        for answer in answers { answer() }
    }
}
