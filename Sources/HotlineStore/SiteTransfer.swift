import Foundation
import HotlineCore

/// A database a site's data can be copied out of (`hotlined transfer --from`): every ticket
/// with its history and deadlines, and the knowledge base, read in pages in the order they
/// were written. Each backend reads through its own decoders, so a copy read back from the
/// target compares with the source as values, whichever backends the two are.
public protocol TransferSource: TicketStore {
    /// What the database holds, counted.
    func transferContents() async throws -> TransferContents

    /// The daemon holding the SLA clock of this database now (its node and when its term
    /// ends), when one does: a database several daemons share says so while any runs; one
    /// daemon's database cannot tell (nil).
    func runningDaemon() async throws -> String?

    /// Up to `limit` tickets written after position `after` (from the first when nil), in
    /// the order they were written, and the position of the last one (nil when none is left).
    func exportTickets(after: Int64?, limit: Int) async throws -> (tickets: [TransferredTicket], last: Int64?)

    /// Up to `limit` knowledge-base entries after position `after`, in the order they were
    /// added, and the position of the last one (nil when none is left).
    func exportEntries(after: Int64?, limit: Int) async throws -> (entries: [TransferredEntry], last: Int64?)

    /// The knowledge-base imports still open.
    func exportImports() async throws -> [TransferredImport]
}

/// Where a transfer writes, while it loads a target (``TransferTarget/load(_:verify:)``).
/// Tickets and entries come in the order they were written at the source, so that the
/// target keeps that order (lists, search ranks).
public protocol TransferSink: Sendable {
    /// Writes tickets, their histories, deadlines and checks.
    func write(_ tickets: [TransferredTicket]) async throws

    /// Writes the open imports (before their staged entries).
    func write(_ imports: [TransferredImport]) async throws

    /// Writes knowledge-base entries and their earlier versions.
    func write(_ entries: [TransferredEntry]) async throws
}

/// An empty database a site's data is copied into (`hotlined transfer --to`).
public protocol TransferTarget: Sendable {
    /// Refuses a database that holds anything, or that a daemon runs on, saying which.
    func checkEmpty() async throws

    /// Loads the target: `fill` writes everything into the sink; the target then builds
    /// what it derives from the tickets (figure rollups, search indexes, ticket numbering)
    /// and hands the loaded store to `verify`. The copy becomes the target's content only
    /// when all of it succeeds: on any error the target is left empty, as it was.
    func load(
        _ fill: @escaping @Sendable (any TransferSink) async throws -> Void,
        verify: @escaping @Sendable (any TransferSource) async throws -> Void
    ) async throws
}

/// Why a transfer stopped. Nothing is left half-written: the target is as empty as before.
public enum TransferError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The target holds data (counts), or a daemon runs on it.
    case targetNotEmpty(target: String, holds: String)
    /// A daemon runs on the source or the target.
    case daemonRunning(database: String, daemon: String)
    /// The copy read back differs from the source in these tables.
    case mismatch(tables: [String])
    /// A source or target is one the transfer cannot use.
    case unusable(database: String, reason: String)

    /// A sentence for the operator: what happened and what to do.
    public var description: String {
        switch self {
        case .targetNotEmpty(let target, let holds):
            "the target \(target) is not empty (it holds \(holds)); a transfer writes only into an empty database: "
                + "give a new file or database, or drop this one first"
        case .daemonRunning(let database, let daemon):
            "hotlined \(daemon) runs on \(database); stop every daemon on the source and the target before a transfer"
        case .mismatch(let tables):
            "the copy read back differs from the source in \(tables.joined(separator: ", ")); the target was left empty. "
                + "If a daemon wrote to the source meanwhile, stop it and run the transfer again"
        case .unusable(let database, let reason):
            "cannot use \(database): \(reason)"
        }
    }
}
