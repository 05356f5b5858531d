import Foundation
import GRDB
import HotlineCore
import HotlineStore
import Synchronization

/// The SQLite store. It owns the one writer; every public method that changes state is one
/// transaction that writes the ticket and its events together, named for its intent.
///
/// WAL mode: reads never wait for the writer. `synchronous = FULL`: a transaction that has
/// returned is on disk and survives a power cut or `kill -9`.
public final class SQLiteTicketStore: TicketStore {
    /// How far back `possibleDuplicates` looks (contract §3: the last 30 days).
    public static let duplicateWindow: TimeInterval = 30 * 86400

    /// This is the SQLite backend.
    public var backend: StorageBackend { .sqlite }

    private let pool: DatabasePool
    /// The database file.
    let path: String
    /// Submit and the ticket commands go through group commit.
    let committer: GroupCommitter
    /// Copies the log into the database file off the writer.
    private let checkpointer: WALCheckpointer
    /// The last ticket number handed out per day (`20261129` → 42); only the writer uses it.
    private let lastNumbers = Mutex<[String: Int]>([:])
    /// The rollup changes of the group transaction being written (see ``RollupBuffer``).
    let rollups = RollupBuffer()
    /// The search statements kept prepared (see `searchStatement`).
    let searchShapes = Mutex<Set<String>>([])

    /// Reads, through the pool's connections (WAL readers never wait for the writer), once
    /// more on fresh connections after an I/O error.
    let reader: RetryingReader
    /// The writer.
    var writer: any DatabaseWriter { pool }

    /// Opens (creating if needed) the database at `path` and runs the pending migrations.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        self.path = path
        pool = try DatabasePool(path: path, configuration: configuration)
        reader = RetryingReader(pool: pool)
        committer = GroupCommitter(
            pool: pool,
            hooks: GroupCommitter.TransactionHooks(
                begin: { [rollups] in rollups.reset() },
                finish: { [rollups] db in try rollups.write(db) }
            )
        )
        // GRDB sets synchronous = NORMAL on the pool's connections; the writer must be FULL
        // so that an acknowledged write survives a crash. The writer connection lives as
        // long as the pool, so this holds.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // A 16 MiB page cache for the writer: sweeps and updates touch pages all over a
            // large database.
            try db.execute(sql: "PRAGMA cache_size = -16384")
            // Statement journals and sorts stay in memory rather than in temporary files.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        try Schema.migrator.migrate(pool)
        checkpointer = try WALCheckpointer(path: path)
        pool.writeWithoutTransaction { [checkpointer] db in checkpointer.attach(to: db) }
    }

    deinit {
        // Reentrant: the last reference to the store can go away on the writer's own queue
        // (a group's closures are released there).
        pool.unsafeReentrantWrite { [checkpointer] db in checkpointer.stop(writer: db) }
    }

    /// Checkpoints the log's own thread has made so far, and those that failed.
    public var checkpointStatistics: (checkpoints: Int, failures: Int) { checkpointer.statistics }

    /// Transactions group commit has made so far and the calls they held.
    public var groupCommitStatistics: (groups: Int, calls: Int) { committer.statistics }

    /// The writer connection's `PRAGMA synchronous` (2 = FULL).
    public func synchronousMode() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The names of the applied migrations.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Schema.migrator.appliedMigrations(db) }
    }

    /// Checkpoints the WAL into the database file and returns the group-commit and
    /// checkpoint figures.
    public func finish() -> [(name: String, value: String)] {
        try? checkpoint()
        let commits = groupCommitStatistics
        let checkpoints = checkpointStatistics
        return [
            ("group_commits", "\(commits.groups)"), ("committed_calls", "\(commits.calls)"),
            ("wal_checkpoints", "\(checkpoints.checkpoints)"), ("wal_checkpoint_failures", "\(checkpoints.failures)"),
            ("read_retries", "\(reader.retries)"),
        ]
    }

    /// Writes the WAL back into the main database file (on shutdown).
    public func checkpoint() throws {
        try checkpointer.exclusively {
            try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        }
    }

    // MARK: Submit

    /// Creates a ticket for a submission, or returns the existing one for a repeated
    /// idempotency key (`created: false`); a repeated key with other content is
    /// `submissionConflict`.
    public func submit(
        _ submission: Submission,
        lifecycle: Lifecycle,
        by caller: Caller,
        at now: Date
    ) async throws -> SubmitResult {
        // Routing and deadlines need no database: worked out here, off the single writer.
        let unnumbered = lifecycle.submit(submission, id: "", by: caller, at: now)
        return try await committer.write { db in
            // Almost every submission is new: look for the key by id alone first, and decode
            // the whole ticket only for a re-submission.
            let key = [submission.channel.rawValue.databaseValue, submission.submissionId.databaseValue]
            if try !db.cachedStatement(sql: Self.submissionKeySQL).texts(key).isEmpty,
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: Self.selectBySubmissionSQL),
                    arguments: StatementArguments(key)
                )
            {
                let existing = try Ticket(row: row)
                if let field = submission.firstDifference(from: existing) {
                    throw HotlineError.submissionConflict(id: existing.id, field: field)
                }
                return SubmitResult(
                    ticket: existing,
                    created: false,
                    possibleDuplicates: try Self.duplicates(of: existing, db, now: now),
                    events: [],
                    notices: []
                )
            }
            try Self.checkEntriesInForce(submission.knowledge, at: now, db)
            let id = try self.nextID(db, day: lifecycle.configuration.calendar.localDate(of: now))
            let transition = unnumbered.identified(as: id)
            try Self.insert(transition.ticket, db)
            try Self.append(transition.events, to: id, db)
            try Self.syncDeadlines(
                of: transition.ticket,
                previous: nil,
                warnFraction: lifecycle.configuration.sla.warnAt,
                isNew: true,
                db
            )
            try Self.countUses(of: submission.knowledge, db)
            // Last: a call adds to the group's rollup only once it has written everything.
            self.rollups.add(from: nil, to: transition.ticket)
            return SubmitResult(
                ticket: transition.ticket,
                created: true,
                possibleDuplicates: try Self.duplicates(of: transition.ticket, db, now: now),
                events: transition.events,
                notices: transition.notices
            )
        }
    }

    // MARK: Commands

    /// Applies a lifecycle command to ticket `id` and records it, in one transaction.
    public func apply(
        _ command: TicketCommand,
        to id: String,
        lifecycle: Lifecycle,
        by caller: Caller,
        at now: Date
    ) async throws -> Transition {
        try await committer.write { db in
            var cited: [String] = []
            if case .answer(_, let knowledge) = command {
                try Self.checkEntriesInForce(knowledge, at: now, db)
                cited = knowledge
            }
            // Passed deadlines first, so that the history keeps its order.
            try Self.foldPassings(of: id, db)
            guard let ticket = try Self.fetch(id, db) else { throw HotlineError.noSuchTicket(id: id) }
            if case .merge(let into) = command, into != id, try Self.fetch(into, db) == nil {
                throw HotlineError.noSuchTicket(id: into)
            }
            let transition = try lifecycle.apply(command, to: ticket, by: caller, at: now)
            try Self.update(
                transition.ticket,
                previous: ticket,
                db,
                coUnitsChanged: transition.ticket.coUnits != ticket.coUnits
            )
            try Self.append(transition.events, to: id, db)
            try Self.syncDeadlines(
                of: transition.ticket,
                previous: ticket,
                warnFraction: lifecycle.configuration.sla.warnAt,
                db
            )
            try Self.countUses(of: cited, db)
            // Last: a call adds to the group's rollup only once it has written everything.
            self.rollups.add(from: ticket, to: transition.ticket)
            return transition
        }
    }

    // MARK: Reading

    /// The ticket and its history, if `caller` may see it.
    public func ticket(_ id: String, visibleTo caller: Caller) async throws -> (Ticket, [TicketEvent]) {
        try await reader.read { db in
            guard let ticket = try Self.fetch(id, db), ticket.isVisible(to: caller.role) else {
                throw HotlineError.noSuchTicket(id: id)
            }
            let events = try Row.fetchAll(
                db,
                sql: "SELECT * FROM event WHERE ticketId = ? ORDER BY seq",
                arguments: [id]
            )
            .map(TicketEvent.init(row:))
            return (ticket, try events + Self.unfoldedPassings(of: id, db))
        }
    }

    /// One page of tickets matching `query` that `caller` may see, oldest first, and the
    /// cursor of the next page when there may be one.
    public func list(_ query: TicketQuery, visibleTo caller: Caller) async throws -> (tickets: [Ticket], next: String?)
    {
        try await reader.read { db in
            var conditions: [String] = []
            var arguments = StatementArguments()
            if let unit = caller.role.unitID {
                conditions.append(Self.involvesUnitSQL)
                arguments += [unit, unit]
            }
            if let unit = query.unit {
                conditions.append(Self.involvesUnitSQL)
                arguments += [unit, unit]
            }
            if !query.statuses.isEmpty {
                conditions.append(Self.statusInSQL(query.statuses.count))
                for status in query.statuses { arguments += [status.rawValue] }
            }
            if let overdue = query.overdue {
                conditions.append("(t.overdue OR \(Self.unfoldedPassing(of: "t"))) = ?")
                arguments += [overdue]
            }
            if let supervised = query.supervised {
                conditions.append("t.supervised = ?")
                arguments += [supervised]
            }
            if let after = query.after {
                guard let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM ticket WHERE id = ?", arguments: [after])
                else {
                    throw HotlineError.invalidParameter(parameter: "after", reason: "not a cursor this daemon gave out")
                }
                conditions.append("t.seq > ?")
                arguments += [seq]
            }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let columns = Ticket.selectedColumns("t")
            arguments += [query.limit + 1]
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT \(columns) FROM ticket t \(whereClause) ORDER BY t.seq LIMIT ?",
                arguments: arguments
            )
            var tickets = try rows.map { try Ticket(row: $0) }
            var next: String?
            if tickets.count > query.limit {
                tickets.removeLast()
                next = tickets.last?.id
            }
            return (tickets, next)
        }
    }

    /// The figures of `Status`, counted through indexes only (`ticket_status`, the partial
    /// `ticket_overdue`, and the small `deadlinePassed` of passings not yet folded): the
    /// health check runs this every few seconds, so it must never scan the closed tickets of
    /// past years.
    public func statusCounts() async throws -> StatusCounts {
        try await reader.read { db in
            let row = try Row.fetchOne(db.cachedStatement(sql: Self.statusCountsSQL))!
            return StatusCounts(
                open: row["open"],
                pending: row["pending"],
                overdue: row["overdue"],
                callbacksDue: row["callbacksDue"]
            )
        }
    }

    /// The statement behind ``statusCounts()`` (tests check its query plan).
    static let statusCountsSQL: String = {
        let open = TicketStatus.allCases.filter { $0 != .closed }.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return """
            SELECT
              (SELECT count(*) FROM ticket WHERE status IN (\(open))) AS open,
              (SELECT count(*) FROM ticket WHERE status = 'pending') AS pending,
              (SELECT count(*) FROM ticket WHERE overdue = 1 AND status IN (\(open)))
                + (SELECT count(*) FROM ticket WHERE id IN (SELECT ticketId FROM deadlinePassed)
                   AND overdue = 0 AND status IN (\(open))) AS overdue,
              (SELECT count(*) FROM ticket WHERE status = 'callback') AS callbacksDue
            """
    }()

    // MARK: Helpers (inside a transaction)

    static func fetch(_ id: String, _ db: Database) throws -> Ticket? {
        try Row.fetchOne(db.cachedStatement(sql: Self.selectByIDSQL), arguments: [id])
            .map { try Ticket(row: $0) }
    }

    /// The next readable id of `day` (`20261129-0042`). The last number of each day is
    /// kept in memory once read from the tickets themselves, so handing out an id costs no
    /// statement; a call rolled back leaves a gap, which is harmless (ids are opaque).
    func nextID(_ db: Database, day: LocalDate) throws -> String {
        let key = ReadableIDs.day(day)
        let known = lastNumbers.withLock { $0[key] }
        let last: Int
        if let known {
            last = known
        } else {
            last =
                try Int.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT coalesce(max(CAST(substr(id, 10) AS INTEGER)), 0) FROM ticket WHERE id >= ? AND id < ?
                            """
                    ),
                    arguments: [key + "-", key + "."]
                ) ?? 0
        }
        lastNumbers.withLock { $0[key] = last + 1 }
        return ReadableIDs.ticket(day: key, number: last + 1)
    }

    // The statements of the hot paths, built once (a cached statement is found by its text).
    private static let submissionKeySQL = "SELECT id FROM ticket WHERE channel = ? AND submissionId = ?"
    private static let selectBySubmissionSQL =
        "SELECT \(Ticket.selectedColumns()) FROM ticket WHERE channel = ? AND submissionId = ?"
    private static let selectByIDSQL = "SELECT \(Ticket.selectedColumns()) FROM ticket WHERE id = ?"
    private static let insertSQL: String = {
        let placeholders = Array(repeating: "?", count: Ticket.columnNames.count).joined(separator: ", ")
        return "INSERT INTO ticket (\(Ticket.columns())) VALUES (\(placeholders))"
    }()

    static func insert(_ ticket: Ticket, _ db: Database) throws {
        try db.cachedStatement(sql: insertSQL).run(ticket.databaseValues)
        try db.cachedStatement(sql: insertTokensSQL).run([
            db.lastInsertedRowID.databaseValue, SearchTerms.indexText(ticket.searchedText).databaseValue,
        ])
        try writeCoUnits(ticket, db)
    }

    /// Every column but `id` (a ticket's id never changes; leaving it out of the SET list
    /// also spares SQLite the foreign-key checks of a changed parent key).
    private static let updateSQL: String = {
        let assignments = Ticket.columnNames.dropFirst().map { "\($0) = ?" }.joined(separator: ", ")
        return "UPDATE ticket SET \(assignments) WHERE id = ?"
    }()

    /// Writes `ticket` over its row; `previous` is the row's old value (its search tokens are
    /// rewritten only when the searched text changed).
    static func update(_ ticket: Ticket, previous: Ticket, _ db: Database, coUnitsChanged: Bool = true) throws {
        precondition(Ticket.columnNames.first == "id")
        var values = ticket.databaseValues
        values.append(values.removeFirst())  // id goes last, for the WHERE clause
        try db.cachedStatement(sql: updateSQL).run(values)
        if ticket.searchedText != previous.searchedText {
            try reindex(ticket, previous: previous, db)
        }
        if coUnitsChanged {
            try db.cachedStatement(sql: "DELETE FROM ticketCoUnit WHERE ticketId = ?").execute(arguments: [ticket.id])
            try writeCoUnits(ticket, db)
        }
    }

    /// Adds a new ticket's tokens to the search index (`rowid`, tokens).
    static let insertTokensSQL = "INSERT INTO ticketText (rowid, tokens) VALUES (?, ?)"

    /// Replaces the search tokens of `previous`'s text by those of `ticket`'s. The index keeps
    /// no copy of them: the old ones are computed again, exactly as they were written (so
    /// ``SearchTerms/indexText(_:)`` may change only with a migration that indexes every
    /// ticket again). A ticket still waiting in `searchQueue` is not in the index yet: the
    /// indexer will read its new text.
    private static func reindex(_ ticket: Ticket, previous: Ticket, _ db: Database) throws {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT t.seq, q.seq IS NOT NULL FROM ticket t LEFT JOIN searchQueue q ON q.seq = t.seq
                        WHERE t.id = ?
                        """
                ),
                arguments: [ticket.id]
            )
        else { return }
        let seq: Int64 = row[0]
        let queued: Bool = row[1]
        guard !queued else { return }
        try db.cachedStatement(sql: "INSERT INTO ticketText (ticketText, rowid, tokens) VALUES ('delete', ?, ?)").run([
            seq.databaseValue, SearchTerms.indexText(previous.searchedText).databaseValue,
        ])
        try db.cachedStatement(sql: insertTokensSQL).run([
            seq.databaseValue, SearchTerms.indexText(ticket.searchedText).databaseValue,
        ])
    }

    private static func writeCoUnits(_ ticket: Ticket, _ db: Database) throws {
        for unit in ticket.coUnits {
            try db.cachedStatement(sql: "INSERT INTO ticketCoUnit (ticketId, unit) VALUES (?, ?)").run([
                ticket.id.databaseValue, unit.databaseValue,
            ])
        }
    }

    static func append(_ events: [TicketEvent], to id: String, _ db: Database) throws {
        for event in events {
            try db.cachedStatement(
                sql: "INSERT INTO event (ticketId, at, kind, actorUid, role, unit, note) VALUES (?, ?, ?, ?, ?, ?, ?)"
            ).run([
                id.databaseValue, event.at.millis.databaseValue, event.kind.rawValue.databaseValue,
                Int64(event.actorUid).databaseValue,
                event.role.rawValue.databaseValue, event.unit?.databaseValue ?? .null,
                event.note?.databaseValue ?? .null,
            ])
        }
    }

    static func duplicates(of ticket: Ticket, _ db: Database, now: Date) throws -> [String] {
        guard let phone = ticket.citizen.phone else { return [] }
        return try db.cachedStatement(
            sql: """
                SELECT id FROM ticket
                WHERE citizenPhone = ? AND category IS ? AND receivedAt >= ? AND status <> 'closed' AND id <> ?
                ORDER BY seq LIMIT 20
                """
        ).texts([
            phone.databaseValue, ticket.category?.databaseValue ?? .null,
            now.addingTimeInterval(-duplicateWindow).millis.databaseValue, ticket.id.databaseValue,
        ])
    }
}
