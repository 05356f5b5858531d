import Foundation
import HotlineCore

/// What the daemon asks of its storage, one intent per method: each change is one
/// transaction that writes the ticket (or entry) and its history together, and is on disk
/// before the method returns. The daemon talks to this protocol only; each backend
/// (SQLite on one host, PostgreSQL for several) implements it, and the same behaviour tests
/// hold for every one.
///
/// Refusals are `HotlineError`s (nothing stored); anything else thrown is a storage failure,
/// which ``failureSentence(for:)`` puts in words for the caller and the journal.
public protocol TicketStore: Sendable {
    // MARK: Tickets

    /// Creates a ticket for a submission, or returns the existing one for a repeated
    /// idempotency key (`created: false`); a repeated key with other content is
    /// `submissionConflict`; an answer citing an entry not in force is `noSuchEntry`.
    func submit(
        _ submission: Submission,
        lifecycle: Lifecycle,
        by caller: Caller,
        at now: Date
    ) async throws
        -> SubmitResult

    /// Applies a lifecycle command to ticket `id` and records it.
    func apply(
        _ command: TicketCommand,
        to id: String,
        lifecycle: Lifecycle,
        by caller: Caller,
        at now: Date
    )
        async throws -> Transition

    /// The ticket and its history, if `caller` may see it (`noSuchTicket` otherwise).
    func ticket(_ id: String, visibleTo caller: Caller) async throws -> (Ticket, [TicketEvent])

    /// One page of tickets matching `query` that `caller` may see, oldest first, and the
    /// cursor of the next page when there may be one.
    func list(_ query: TicketQuery, visibleTo caller: Caller) async throws -> (tickets: [Ticket], next: String?)

    /// The tickets that match `query` and `caller` may see, newest first, one page of them,
    /// how many match in all, and the cursor of the next page.
    func search(
        _ query: SearchQuery,
        visibleTo caller: Caller
    ) async throws
        -> (tickets: [Ticket], total: Int, next: String?)

    /// The figures of `Status`: open, pending, overdue tickets and owed call-backs.
    func statusCounts() async throws -> StatusCounts

    /// The per-unit figures of the tickets received in `[from, to)` (every unit of `units`,
    /// with zeros for those without tickets) and the centre's own.
    func figures(from: Date, to: Date, units: [String]) async throws -> (units: [UnitStats], centre: CentreStats)

    /// The tickets received in `[from, to)` counted by `key`, against the period of the same
    /// length before; the keys of the period, ranked, at most `limit`; the period's total.
    func hotspots(from: Date, to: Date, by key: HotspotKey, limit: Int) async throws -> (rows: [Hotspot], total: Int)

    /// Moves up to `limit` changes of figures that writes recorded on the side into the
    /// rollups the figures are read from; returns how many (0 when none waits, and always for
    /// a store that writes its rollups in place). Figures read the same before and after.
    func compactFigures(limit: Int) async throws -> Int

    // MARK: The SLA clock

    /// The earliest moment a running deadline needs the clock, if any.
    func nextDeadlineCheck() async throws -> Date?

    /// Takes up to `batchSize` due checks at `now` and records what passed, in one
    /// transaction: each check is taken once, whoever sweeps.
    func sweepBatch(at now: Date, warnFraction: Double, batchSize: Int) async throws -> SweepResult

    /// Writes up to `limit` tickets' recorded passings into the tickets; returns how many.
    func foldPassedDeadlines(limit: Int) async throws -> Int

    /// Indexes up to `limit` tickets an upgrade left waiting for the search index; returns
    /// how many (0 when none waits).
    func indexQueuedForSearch(limit: Int) async throws -> Int

    // MARK: The knowledge base

    /// Adds an entry as its first version.
    func addEntry(_ draft: KnowledgeDraft, by uid: UInt32, at now: Date) async throws -> KnowledgeEntry

    /// Makes the next version of entry `id` when `version` is its current one
    /// (`staleVersion` otherwise); the version it replaces is kept.
    func updateEntry(
        _ id: String,
        version: Int,
        _ edit: KnowledgeEdit,
        by uid: UInt32,
        at now: Date
    ) async throws
        -> KnowledgeEntry

    /// Retires entry `id` (its next version, with `note`); a retired entry is returned as it is.
    func retireEntry(_ id: String, note: String, by uid: UInt32, at now: Date) async throws -> KnowledgeEntry

    /// Entry `id` as it is now, and every earlier version, oldest first.
    func entry(_ id: String) async throws -> (entry: KnowledgeEntry, versions: [KnowledgeEntry])

    /// The entries holding every word of `query`, best first, and how many match.
    func searchEntries(_ query: KnowledgeQuery, at now: Date) async throws -> (entries: [KnowledgeEntry], total: Int)

    /// Stages `drafts` for import `id` (a new one when nil) of `uid`; returns its id and size.
    func stageImport(
        _ id: String?,
        _ drafts: [KnowledgeDraft],
        by uid: UInt32,
        at now: Date
    ) async throws
        -> (id: String, staged: Int)

    /// Puts every entry of import `id` into the knowledge base at once; returns how many.
    func commitImport(_ id: String, by uid: UInt32) async throws -> Int

    /// Discards import `id` and what it staged.
    func discardImport(_ id: String) async throws

    // MARK: Operations

    /// A sentence for a storage failure: what happened, that nothing was stored, what to do.
    func failureSentence(for error: any Error) -> String

    /// Finishes the store's work on shutdown and returns figures for the journal's stop
    /// entry (field name → value).
    func finish() -> [(name: String, value: String)]

    // MARK: Several daemons

    /// Which backend this is (`Status`).
    var backend: StorageBackend { get }

    /// Where the notices of a database shared by several daemons are read back, nil for a
    /// store that one daemon alone writes (its changes' notices go straight to its watchers).
    var noticeFeed: (any NoticeFeed)? { get }

    /// The SLA clock's lease of a database shared by several daemons, nil for a store that
    /// one daemon alone writes (it always runs the clock).
    var clockLease: (any ClockLease)? { get }

    /// Where `Backup` has the store copy its database, nil for a database whose backups are
    /// its server's own (PostgreSQL).
    var backup: (any StoreBackup)? { get }
}

extension TicketStore {
    /// None: one daemon writes this store.
    public var noticeFeed: (any NoticeFeed)? { nil }

    /// None: one daemon writes this store.
    public var clockLease: (any ClockLease)? { nil }

    /// None: the database's server makes its backups.
    public var backup: (any StoreBackup)? { nil }
}
