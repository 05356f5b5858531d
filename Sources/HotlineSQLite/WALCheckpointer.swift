import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Copies the write-ahead log back into the database file on a thread of its own.
///
/// SQLite's automatic checkpoint runs inside the COMMIT that takes the log past 1,000 pages:
/// that commit copies the log into the database file and syncs it before it returns, and
/// every call of its group, and every group queued behind it, waits. Here the writer's
/// commit only reports the log's size (`sqlite3_wal_hook`); past ``threshold`` pages it
/// wakes this thread, which runs a passive checkpoint on a connection of its own while the
/// writer goes on appending.
///
/// SQLite starts the log over from its beginning only when a write transaction begins with
/// the whole log copied back, which a steady stream of commits rarely allows while another
/// thread copies. So at ``writerThreshold`` pages the writer checkpoints itself, as SQLite's
/// own hook would, but only when the thread has copied all but the last ``threshold`` pages
/// or so: then that checkpoint has little to copy, and the log starts over. The log file
/// stays bounded by about ``writerThreshold`` pages, and the writer stops for a checkpoint
/// eight times more rarely, each time with little to copy.
///
/// While a long read holds an old snapshot (a backup), no checkpoint can copy past it and the
/// log grows beyond the bound; the writer then leaves the copying to the thread rather than
/// doing tens of megabytes of it inside one commit once the read ends. The log shrinks back
/// to the bound a few seconds after.
final class WALCheckpointer: Sendable {
    /// Log pages that wake the checkpoint thread (SQLite's own automatic threshold).
    static let threshold: Int32 = 1000
    /// Log pages past which the writer checkpoints itself.
    static let writerThreshold: Int32 = 8 * threshold

    private struct State {
        var pending = false
        var stopped = false
        /// The log's size when the thread was last woken (0 once the log has started over).
        var woken: Int32 = 0
        /// Log pages the thread's last checkpoint had copied back (0 once the log has started
        /// over).
        var copied: Int32 = 0
        var checkpoints = 0
        var failures = 0
    }

    /// The checkpoint thread's own connection (used on that thread only, and in `stop`).
    private final class Connection: @unchecked Sendable {
        let handle: OpaquePointer
        init(handle: OpaquePointer) { self.handle = handle }
    }

    private let connection: Connection
    private let state = Mutex(State())
    /// Held for each checkpoint this thread makes, and by ``exclusively(_:)``.
    private let pass = NSLock()
    private let wakeUp = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// Opens a connection of its own to the database at `path` (already in WAL mode) and
    /// starts the thread.
    init(path: String) throws {
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
        }
        // Reading the schema once opens the log on this connection; a checkpoint before that
        // would find no log to copy.
        sqlite3_exec(handle, "PRAGMA synchronous = FULL; SELECT count(*) FROM sqlite_schema", nil, nil, nil)
        connection = Connection(handle: handle)
        let thread = Thread { [self] in run() }
        thread.name = "hotline-checkpoint"
        thread.stackSize = 256 * 1024
        thread.start()
    }

    /// Installs the size report on the writer connection `db`, replacing SQLite's automatic
    /// checkpoint. The hook holds this object until ``stop(writer:)``.
    func attach(to db: Database) {
        let context = Unmanaged.passRetained(self).toOpaque()
        sqlite3_wal_hook(
            db.sqliteConnection,
            { context, handle, name, pages in
                guard let context else { return SQLITE_OK }
                let checkpointer = Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
                if pages >= WALCheckpointer.writerThreshold,
                    checkpointer.uncopied(of: pages) <= 2 * WALCheckpointer.threshold
                {
                    // Long and nearly all copied: copy the rest here, so that the log starts over.
                    sqlite3_wal_checkpoint_v2(handle, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
                } else {
                    checkpointer.grown(to: pages)
                }
                return SQLITE_OK
            },
            context
        )
    }

    /// Checkpoints completed and failed so far.
    var statistics: (checkpoints: Int, failures: Int) {
        state.withLock { ($0.checkpoints, $0.failures) }
    }

    /// Removes the hook from the writer `db`, ends the thread and closes its connection.
    func stop(writer db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, nil, nil)
        Unmanaged.passUnretained(self).release()
        let running = state.withLock { state -> Bool in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard running else { return }
        wakeUp.signal()
        finished.wait()
        sqlite3_close(connection.handle)
    }

    /// Runs `body` while this thread makes no checkpoint: SQLite lets one checkpoint run at a
    /// time and refuses (rather than waits for) a second.
    func exclusively<T>(_ body: () throws -> T) rethrows -> T {
        pass.lock()
        defer { pass.unlock() }
        return try body()
    }

    /// The pages of a log of `pages` that the thread has not copied yet.
    private func uncopied(of pages: Int32) -> Int32 {
        state.withLock { pages - min($0.copied, pages) }
    }

    /// Wakes the thread each time the log has grown by ``threshold`` pages since the last
    /// wake-up (a pass copies what is new since the one before).
    private func grown(to pages: Int32) {
        let signal = state.withLock { state -> Bool in
            if pages < state.woken {
                state.woken = 0
                state.copied = 0
            }
            guard pages - state.woken >= Self.threshold else { return false }
            state.woken = pages
            defer { state.pending = true }
            return !state.pending
        }
        if signal { wakeUp.signal() }
    }

    private func run() {
        while true {
            wakeUp.wait()
            let stopped = state.withLock { state -> Bool in
                state.pending = false
                return state.stopped
            }
            if stopped { break }
            var log: Int32 = 0
            var copied: Int32 = 0
            let code = exclusively {
                sqlite3_wal_checkpoint_v2(connection.handle, nil, SQLITE_CHECKPOINT_PASSIVE, &log, &copied)
            }
            state.withLock {
                if code == SQLITE_OK {
                    $0.checkpoints += 1
                    $0.copied = copied
                } else {
                    $0.failures += 1
                }
            }
        }
        finished.signal()
    }
}
