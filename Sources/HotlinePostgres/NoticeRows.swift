import Foundation
import HotlineCore
import HotlineStore

/// Notices as the rows of the `notice` table (schema v5): written in bulk from a JSON record
/// set by the change that makes them, read back by every daemon's relay.
enum NoticeRows {
    /// `notices` as a JSON array for ``insertSQL(records:ticket:)``.
    static func json(_ notices: [Notice]) -> String {
        var records = JSONRecords()
        for notice in notices {
            records.append {
                $0.field("at", notice.at.millis)
                $0.field("kind", notice.kind.rawValue)
                $0.field("ticket", notice.ticketID)
                $0.field("unit", notice.unit)
                $0.field("co_units", notice.coUnits)
                $0.field("deadline", notice.deadline?.rawValue)
            }
        }
        return records.json
    }

    /// The insert of the notices of the JSON array bound as `records` (a parameter such as
    /// `$12`); `ticket` is the ticket id's expression when the rows' own `ticket` is not yet
    /// known (a Submit's number is drawn by the statement itself), with `from` the relations
    /// it needs.
    static func insertSQL(records: String, ticket: String = "r.ticket", from: String = "") -> String {
        """
        INSERT INTO notice (at, kind, ticket_id, unit, co_units, deadline)
        SELECT hotline_time(r.at), r.kind, \(ticket), r.unit, r.co_units, r.deadline
        FROM \(from)jsonb_to_recordset(\(records)::jsonb)
            AS r(at bigint, kind text, ticket text, unit text, co_units text[], deadline text)
        """
    }

    /// The columns a feed reads, in the order ``notice(_:)`` decodes them.
    static let columns = "xid, seq, hotline_ms(at), kind, ticket_id, unit, co_units, deadline"

    /// The notice of a row read with ``columns``, and its position in the feed.
    static func notice(
        _ cells: (Int64, Int64, Int64, String, String, String?, [String], String?)
    ) throws -> (notice: Notice, transaction: Int64, sequence: Int64) {
        let (xid, seq, at, kindName, ticket, unit, coUnits, deadlineName) = cells
        guard let kind = Notice.Kind(rawValue: kindName) else { throw StoreError.corrupt("notice.kind = \(kindName)") }
        var deadline: DeadlineKind?
        if let deadlineName {
            guard let known = DeadlineKind(rawValue: deadlineName) else {
                throw StoreError.corrupt("notice.deadline = \(deadlineName)")
            }
            deadline = known
        }
        let notice = Notice(
            at: Date(millis: at),
            kind: kind,
            ticketID: ticket,
            unit: unit,
            coUnits: coUnits,
            deadline: deadline
        )
        return (notice, xid, seq)
    }
}
