import Foundation
import HotlineCore

/// The notices of a database that several daemons share, kept in the database itself: every
/// change writes its notices in its own transaction, and every daemon reads them back in
/// order and hands them to its own watchers. A store for one daemon has none
/// (``TicketStore/noticeFeed``): its daemon hands each change's notices on as it commits.
///
/// The feed is read from a ``NoticeCursor``: each notice is read once by each reader, none is
/// skipped, whatever order the writers' transactions commit in.
public protocol NoticeFeed: Sendable {
    /// The position after every notice already written: where a daemon that starts begins.
    func noticeCursor() async throws -> NoticeCursor

    /// Up to `limit` notices after `cursor`, in order, and the position after them.
    func notices(after cursor: NoticeCursor, limit: Int) async throws -> NoticePage

    /// Deletes up to `limit` notices written before `date`; returns how many.
    func pruneNotices(writtenBefore date: Date, limit: Int) async throws -> Int
}

/// A position in a ``NoticeFeed``: after the notices of the writing transaction
/// `transaction` up to its notice `sequence`.
public struct NoticeCursor: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The writing transaction's number, in the order the feed is read.
    public var transaction: Int64
    /// The last notice read of that transaction.
    public var sequence: Int64

    /// A cursor.
    public init(transaction: Int64, sequence: Int64) {
        self.transaction = transaction
        self.sequence = sequence
    }

    public static func < (lhs: NoticeCursor, rhs: NoticeCursor) -> Bool {
        (lhs.transaction, lhs.sequence) < (rhs.transaction, rhs.sequence)
    }

    public var description: String { "\(transaction).\(sequence)" }
}

/// What one read of a ``NoticeFeed`` gives.
public struct NoticePage: Sendable {
    /// The notices, in order.
    public var notices: [Notice]
    /// The position after them (the one read from when there were none).
    public var cursor: NoticeCursor
    /// Whether more notices may follow at once (the page was full).
    public var more: Bool
    /// Whether notices of transactions that committed are waiting behind one still running:
    /// they become readable when it ends, so read again soon.
    public var held: Bool

    /// A page.
    public init(notices: [Notice], cursor: NoticeCursor, more: Bool, held: Bool) {
        self.notices = notices
        self.cursor = cursor
        self.more = more
        self.held = held
    }
}
