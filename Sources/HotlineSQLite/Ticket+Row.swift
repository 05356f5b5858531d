import Foundation
import GRDB
import HotlineCore
import HotlineStore

/// Reading and writing a ``Ticket`` as a row of the `ticket` table.
extension Ticket {
    /// The columns of the `ticket` table that hold the ticket (all but `seq`), in order.
    static let columnNames = [
        "id", "channel", "submissionId", "status", "priority", "category", "title", "content", "citizenName",
        "citizenPhone", "district", "address", "unit", "coUnits", "receivedAt", "deadline", "dispatchedAt",
        "claimedAt", "claimBy", "dueBy", "repliedAt", "ratingBy", "callbackBy", "overdue", "supervised",
        "longTerm", "phaseDueBy", "extensionPending", "extensionUntil", "extensionLongTerm", "rating", "solved",
        "callbackAttempts", "duplicateOf", "closedAs", "closedAt", "reopenedAt", "ratedAt", "phaseStartedAt",
        "unitOverdue", "resolveOverdue", "badRated", "calledBack", "rectified", "extended", "claimOverdue", "urged",
        "answeredBy", "result", "knowledge", "centreAnswered",
    ]

    /// The column list every ticket query selects, qualified with `alias` when given.
    static func columns(_ alias: String? = nil) -> String {
        columnNames.map { name in alias.map { "\($0).\(name)" } ?? name }.joined(separator: ", ")
    }

    /// Decodes a row selected with ``columns``, whose ticket columns begin at `offset` (a
    /// query may select a few columns of its own first). Columns are read by position, in
    /// the order of ``columnNames``: a look-up by name costs more than the rest of the
    /// decoding together on the sweep's hot path. Every column type is read through
    /// `StatementColumnConvertible`, which takes the value straight from SQLite when the row
    /// comes from a cursor (no intermediate `DatabaseValue`).
    init(row: Row, startingAt offset: Int = 0) throws {
        var index = offset
        func next<T: DatabaseValueConvertible & StatementColumnConvertible>() -> T {
            defer { index += 1 }
            return row[index]
        }
        func nextOptional<T: DatabaseValueConvertible & StatementColumnConvertible>() -> T? {
            defer { index += 1 }
            return row[index]
        }
        func nextEnum<T: RawRepresentable<String>>(_ column: String) throws -> T {
            let raw: String = next()
            guard let value = T(rawValue: raw) else { throw StoreError.corrupt("ticket.\(column) = \(raw)") }
            return value
        }
        func nextOptionalEnum<T: RawRepresentable<String>>() -> T? {
            (nextOptional() as String?).flatMap(T.init(rawValue:))
        }
        func nextDate() -> Date? { (nextOptional() as Int64?).map(Date.init(millis:)) }

        let id: String = next()
        let channel: SubmissionChannel = try nextEnum("channel")
        let submissionId: String = next()
        let status: TicketStatus = try nextEnum("status")
        let priority: Priority = try nextEnum("priority")
        let category: String? = nextOptional()
        let title: String? = nextOptional()
        let content: String = next()
        let citizen = Citizen(name: nextOptional(), phone: nextOptional())
        let location = Location(district: nextOptional(), address: nextOptional())
        let unit: String? = nextOptional()
        let coUnitsJSON: String = next()
        let receivedAt = Date(millis: next())
        self.init(
            id: id,
            channel: channel,
            submissionId: submissionId,
            status: status,
            priority: priority,
            category: category,
            title: title,
            content: content,
            citizen: citizen,
            location: location,
            receivedAt: receivedAt,
            deadline: nextDate()
        )
        self.unit = unit
        coUnits = StoredList.values(fromJSON: coUnitsJSON)
        dispatchedAt = nextDate()
        claimedAt = nextDate()
        claimBy = nextDate()
        dueBy = nextDate()
        repliedAt = nextDate()
        ratingBy = nextDate()
        callbackBy = nextDate()
        overdue = next()
        supervised = next()
        longTerm = next()
        phaseDueBy = nextDate()
        extensionPending = next()
        extensionUntil = nextDate()
        extensionLongTerm = next()
        rating = nextOptionalEnum()
        solved = nextOptional()
        callbackAttempts = next()
        duplicateOf = nextOptional()
        closedAs = nextOptionalEnum()
        closedAt = nextDate()
        reopenedAt = nextDate()
        ratedAt = nextDate()
        phaseStartedAt = nextDate()
        unitOverdue = next()
        resolveOverdue = next()
        badRated = next()
        calledBack = next()
        rectified = next()
        extended = next()
        claimOverdue = next()
        urged = next()
        answeredBy = nextOptionalEnum()
        result = nextOptional()
        knowledge = StoredList.values(fromJSON: next())
        centreAnswered = next()
        assert(index - offset == Self.columnNames.count, "Ticket(row:) reads every column of columnNames")
    }

    /// The columns of ``searchedText``, in its order. The indexer reads a queued ticket's text
    /// through them, and the contentless index can delete tokens only as they were written.
    static let searchedColumns = ["title", "content", "address", "result"]

    /// The co-handling units as the `coUnits` column holds them (``StoredList``; the
    /// `knowledge` column holds its ids the same way).
    var coUnitsJSON: String { StoredList.json(coUnits) }

    /// The column list ticket queries select, qualified with `alias` when given (the table's
    /// name otherwise): ``columns(_:)`` with the overdue flags completed by the deadline
    /// passings not yet folded into the row (see `SQLiteTicketStore+Passings`).
    static func selectedColumns(_ alias: String? = nil) -> String {
        let table = alias ?? "ticket"
        return columnNames.map { name in
            let column = "\(table).\(name)"
            switch name {
            case "overdue": return "(\(column) OR \(SQLiteTicketStore.unfoldedPassing(of: table)))"
            case "unitOverdue": return "(\(column) OR \(SQLiteTicketStore.unfoldedPassing(of: table, kinds: .units)))"
            case "resolveOverdue":
                return "(\(column) OR \(SQLiteTicketStore.unfoldedPassing(of: table, kinds: .resolve)))"
            case "claimOverdue": return "(\(column) OR \(SQLiteTicketStore.unfoldedPassing(of: table, kinds: .claim)))"
            default: return column
            }
        }.joined(separator: ", ")
    }

    /// The column values in the order of ``columnNames``, as concrete database values:
    /// GRDB binds `[DatabaseValue]` without the dynamic casts an array of existentials costs
    /// (a measurable share of the writer's time per Submit).
    var databaseValues: [DatabaseValue] {
        func value(_ text: String?) -> DatabaseValue { text?.databaseValue ?? .null }
        func value(_ date: Date?) -> DatabaseValue { date?.millis.databaseValue ?? .null }
        func value(_ flag: Bool) -> DatabaseValue { flag.databaseValue }
        return [
            value(id), value(channel.rawValue), value(submissionId), value(status.rawValue), value(priority.rawValue),
            value(category), value(title), value(content), value(citizen.name), value(citizen.phone),
            value(location.district),
            value(location.address), value(unit), value(coUnitsJSON), value(receivedAt), value(deadline),
            value(dispatchedAt),
            value(claimedAt), value(claimBy), value(dueBy), value(repliedAt), value(ratingBy), value(callbackBy),
            value(overdue),
            value(supervised), value(longTerm), value(phaseDueBy), value(extensionPending), value(extensionUntil),
            value(extensionLongTerm), value(rating?.rawValue), solved?.databaseValue ?? .null,
            callbackAttempts.databaseValue,
            value(duplicateOf), value(closedAs?.rawValue), value(closedAt), value(reopenedAt), value(ratedAt),
            value(phaseStartedAt), value(unitOverdue), value(resolveOverdue), value(badRated), value(calledBack),
            value(rectified), value(extended), value(claimOverdue), urged.databaseValue,
            value(answeredBy?.rawValue), value(result), value(StoredList.json(knowledge)), value(centreAnswered),
        ]
    }
}

extension TicketEvent {
    /// Decodes a row of the `event` table.
    init(row: Row) throws {
        let kindRaw: String = row["kind"]
        let roleRaw: String = row["role"]
        guard let kind = TicketEventKind(rawValue: kindRaw), let role = Role.Kind(rawValue: roleRaw) else {
            throw StoreError.corrupt("event kind \(kindRaw) role \(roleRaw)")
        }
        self.init(
            at: Date(millis: row["at"]),
            kind: kind,
            actorUid: UInt32(row["actorUid"] as Int64),
            role: role,
            unit: row["unit"],
            note: row["note"]
        )
    }
}
