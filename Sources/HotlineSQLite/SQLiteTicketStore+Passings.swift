import Foundation
import GRDB
import HotlineCore
import HotlineStore

/// Deadline passings not yet folded into their tickets.
///
/// The sweep records a passed deadline only as a row of `deadlinePassed`, so that 10,000
/// deadlines passing at once write one small table instead of 10,000 ticket rows and
/// 10,000 events scattered over the file. Until the row is folded (the ticket's overdue
/// flags set, its `overdue` event appended), every read completes the ticket with it: the
/// flags through ``Ticket/selectedColumns(_:)``, the history through
/// ``unfoldedPassings(of:_:)``, the counts of `Status`, `List` and `Stats` through
/// ``unfoldedPassing(of:kinds:)``. A command folds its ticket's passings before it reads
/// the ticket, so its events follow them in the history; the daemon folds the rest in the
/// background, a few tickets per transaction. A folded passing is deleted: the table holds
/// only what is still to fold.
extension SQLiteTicketStore {
    /// Which passings a flag stands for.
    enum PassingKinds {
        /// Any deadline (`overdue`).
        case any
        /// Those that count against the unit (`unitOverdue`).
        case units
        /// The resolve deadline (`resolveOverdue`).
        case resolve
        /// The claim deadline (`claimOverdue`).
        case claim

        var condition: String {
            switch self {
            case .any: ""
            case .units: " AND (p.kind = 'claim' OR p.kind = 'resolve' OR p.kind = 'phase')"
            case .resolve: " AND p.kind = 'resolve'"
            case .claim: " AND p.kind = 'claim'"
            }
        }
    }

    /// An SQL condition: the ticket of `table` has an unfolded passing of `kinds`.
    static func unfoldedPassing(of table: String, kinds: PassingKinds = .any) -> String {
        "EXISTS (SELECT 1 FROM deadlinePassed p WHERE p.ticketId = \(table).id\(kinds.condition))"
    }

    /// The `overdue` events a ticket's unfolded passings stand for, in order. They are
    /// later than every stored event of the ticket (a command folds them first).
    static func unfoldedPassings(of id: String, _ db: Database) throws -> [TicketEvent] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT kind, at, unit FROM deadlinePassed WHERE ticketId = ? ORDER BY at, kind
                    """
            ),
            arguments: [id]
        ).map { row in
            TicketEvent(
                at: Date(millis: row[1]),
                kind: .overdue,
                actorUid: 0,
                role: .system,
                unit: row[2],
                note: row[0]
            )
        }
    }

    /// Folds a ticket's unfolded passings into it: its overdue flags and its `overdue`
    /// events, and the flags its remaining checks carry; inside the caller's transaction.
    /// The day figures were counted by the sweep.
    static func foldPassings(of id: String, _ db: Database) throws {
        let events = try unfoldedPassings(of: id, db)
        guard !events.isEmpty else { return }
        let kinds = events.compactMap { $0.note.flatMap(DeadlineKind.init(rawValue:)) }
        try append(events, to: id, db)
        // claimOverdue only when a claim passed: setting it in every fold made the background
        // fold of 10,000 passings take half as long again (scripts/bench-sla).
        if kinds.contains(.claim) {
            try db.cachedStatement(
                sql: """
                    UPDATE ticket SET overdue = 1, unitOverdue = 1, resolveOverdue = (resolveOverdue OR ?), claimOverdue = 1
                    WHERE id = ?
                    """
            ).execute(arguments: [kinds.contains(.resolve), id])
        } else {
            try db.cachedStatement(
                sql: """
                    UPDATE ticket SET overdue = 1, unitOverdue = (unitOverdue OR ?), resolveOverdue = (resolveOverdue OR ?)
                    WHERE id = ?
                    """
            ).execute(arguments: [kinds.contains(where: \.isUnits), kinds.contains(.resolve), id])
        }
        try db.cachedStatement(sql: "DELETE FROM deadlinePassed WHERE ticketId = ?").execute(arguments: [id])
        if let flags = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT unitOverdue, resolveOverdue FROM ticket WHERE id = ?"),
            arguments: [id]
        ) {
            try updateCheckFlags(of: id, unitOverdue: flags[0], resolveOverdue: flags[1], db)
        }
    }

    /// Folds the passings of up to `limit` tickets in one transaction; returns how many
    /// tickets it folded (0 when none is left).
    @discardableResult
    public func foldPassedDeadlines(limit: Int = 100) async throws -> Int {
        try await writer.write { db in
            let ids = try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT DISTINCT ticketId FROM deadlinePassed LIMIT ?
                        """
                ),
                arguments: [limit]
            )
            for id in ids { try Self.foldPassings(of: id, db) }
            return ids.count
        }
    }

    /// How many tickets have passings not yet folded.
    public func unfoldedPassingCount() async throws -> Int {
        try await reader.read { db in
            try Int.fetchOne(db, sql: "SELECT count(DISTINCT ticketId) FROM deadlinePassed") ?? 0
        }
    }
}
