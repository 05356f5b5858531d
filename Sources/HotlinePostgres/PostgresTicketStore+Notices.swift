import Foundation
import HotlineCore
import HotlineStore
import PostgresNIO

extension PostgresTicketStore: NoticeFeed {
    /// The notices live in the database (schema v5), for every daemon that shares it.
    public var noticeFeed: (any NoticeFeed)? { self }

    /// Before the oldest transaction of this database still running: its notices, and those
    /// of every transaction that starts later, are ahead.
    public func noticeCursor() async throws -> NoticeCursor {
        let rows = try await rows("SELECT hotline_notice_bound()")
        guard let bound = try rows.first?.decode(Int64.self) else { throw StoreError.corrupt("no snapshot") }
        return NoticeCursor(transaction: bound - 1, sequence: .max)
    }

    /// The notices after `cursor` of the transactions older than the oldest of this database
    /// still running, in (transaction, sequence) order. Those of a transaction that committed
    /// while an older one still runs wait for it (`held`): taking them now would let the
    /// older one's notices commit behind the cursor.
    public func notices(after cursor: NoticeCursor, limit: Int) async throws -> NoticePage {
        try await withConnection { connection in
            let rows = try await Self.rows(
                """
                WITH b AS (SELECT hotline_notice_bound() AS bound)
                SELECT \(NoticeRows.columns) FROM notice, b
                WHERE (xid, seq) > ($1, $2) AND xid < b.bound
                ORDER BY xid, seq
                LIMIT $3
                """,
                Self.bindings(cursor.transaction, cursor.sequence, limit),
                on: connection,
                logger: self.logger
            )
            var page = NoticePage(notices: [], cursor: cursor, more: rows.count >= limit, held: false)
            for row in rows {
                let read = try NoticeRows.notice(
                    row.decode((Int64, Int64, Int64, String, String, String?, [String], String?).self)
                )
                page.notices.append(read.notice)
                page.cursor = NoticeCursor(transaction: read.transaction, sequence: read.sequence)
            }
            if !page.more {
                let waiting = try await Self.rows(
                    """
                    SELECT EXISTS (
                        SELECT 1 FROM notice
                        WHERE (xid, seq) > ($1, $2) AND xid >= hotline_notice_bound()
                    )
                    """,
                    Self.bindings(page.cursor.transaction, page.cursor.sequence),
                    on: connection,
                    logger: self.logger
                )
                page.held = try waiting.first?.decode(Bool.self) ?? false
            }
            return page
        }
    }

    /// Deletes the oldest notices, a batch at a time.
    public func pruneNotices(writtenBefore date: Date, limit: Int) async throws -> Int {
        let rows = try await rows(
            """
            WITH gone AS (
                DELETE FROM notice WHERE ctid = ANY(ARRAY(
                    SELECT ctid FROM notice WHERE written_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED
                ))
                RETURNING 1
            )
            SELECT count(*) FROM gone
            """,
            Self.bindings(Instant(date), limit)
        )
        return try rows.first.map { Int(try $0.decode(Int64.self)) } ?? 0
    }
}
