import Foundation
import HotlineCore
import HotlineStore
import PostgresNIO

/// Reading and writing a ``Ticket`` as a row of the PostgreSQL `ticket` table.
extension Ticket {
    /// The columns of `ticket` that hold the ticket (all but `seq`), in order; the same
    /// fields as on SQLite, in the server's naming.
    static let postgresColumns = [
        "id", "channel", "submission_id", "status", "priority", "category", "title", "content", "citizen_name",
        "citizen_phone", "district", "address", "unit", "co_units", "received_at", "deadline", "dispatched_at",
        "claimed_at", "claim_by", "due_by", "replied_at", "rating_by", "callback_by", "overdue", "supervised",
        "long_term", "phase_due_by", "extension_pending", "extension_until", "extension_long_term", "rating", "solved",
        "callback_attempts", "duplicate_of", "closed_as", "closed_at", "reopened_at", "rated_at", "phase_started_at",
        "unit_overdue", "resolve_overdue", "bad_rated", "called_back", "rectified", "extended", "claim_overdue",
        "urged",
        "answered_by", "result", "knowledge", "centre_answered",
    ]

    /// `INSERT INTO ticket (…) VALUES ($1, …)`, the JSON columns cast to `jsonb`.
    static let postgresInsertSQL: String = {
        let values = postgresColumns.enumerated().map { index, name in
            name == "co_units" || name == "knowledge" ? "$\(index + 1)::jsonb" : "$\(index + 1)"
        }
        return
            "INSERT INTO ticket (\(postgresColumns.joined(separator: ", "))) VALUES (\(values.joined(separator: ", ")))"
    }()

    /// The column values in the order of ``postgresColumns``. Times go to the millisecond,
    /// as SQLite keeps them, so that both backends answer the same instants.
    var postgresBindings: PostgresBindings {
        var b = PostgresBindings(capacity: Self.postgresColumns.count)
        func time(_ date: Date?) { b.append(date.instant) }
        b.append(id)
        b.append(channel.rawValue)
        b.append(submissionId)
        b.append(status.rawValue)
        b.append(priority.rawValue)
        b.append(category)
        b.append(title)
        b.append(content)
        b.append(citizen.name)
        b.append(citizen.phone)
        b.append(location.district)
        b.append(location.address)
        b.append(unit)
        b.append(StoredList.json(coUnits))
        time(receivedAt)
        time(deadline)
        time(dispatchedAt)
        time(claimedAt)
        time(claimBy)
        time(dueBy)
        time(repliedAt)
        time(ratingBy)
        time(callbackBy)
        b.append(overdue)
        b.append(supervised)
        b.append(longTerm)
        time(phaseDueBy)
        b.append(extensionPending)
        time(extensionUntil)
        b.append(extensionLongTerm)
        b.append(rating?.rawValue)
        b.append(solved)
        b.append(Int32(callbackAttempts))
        b.append(duplicateOf)
        b.append(closedAs?.rawValue)
        time(closedAt)
        time(reopenedAt)
        time(ratedAt)
        time(phaseStartedAt)
        b.append(unitOverdue)
        b.append(resolveOverdue)
        b.append(badRated)
        b.append(calledBack)
        b.append(rectified)
        b.append(extended)
        b.append(claimOverdue)
        b.append(Int32(urged))
        b.append(answeredBy?.rawValue)
        b.append(result)
        b.append(StoredList.json(knowledge))
        b.append(centreAnswered)
        return b
    }

    /// Decodes a row whose ticket columns, as ``postgresColumns`` lists them, begin at `offset`.
    init(postgresRow row: PostgresRow, startingAt offset: Int = 0) throws {
        let cells = row.makeRandomAccess()
        var index = offset
        func next<T: PostgresDecodable>(_: T.Type = T.self) throws -> T {
            defer { index += 1 }
            return try cells[index].decode(T.self)
        }
        func text() throws -> String? { try next(String?.self) }
        func time() throws -> Date? { try next(Date?.self).map(Self.toMillisecond) }
        func flag() throws -> Bool { try next(Bool.self) }
        func enumerated<T: RawRepresentable<String>>(_ column: String) throws -> T {
            let raw = try next(String.self)
            guard let value = T(rawValue: raw) else { throw StoreError.corrupt("ticket.\(column) = \(raw)") }
            return value
        }
        func optionalEnumerated<T: RawRepresentable<String>>() throws -> T? { try text().flatMap(T.init(rawValue:)) }

        let id = try next(String.self)
        let channel: SubmissionChannel = try enumerated("channel")
        let submissionId = try next(String.self)
        let status: TicketStatus = try enumerated("status")
        let priority: Priority = try enumerated("priority")
        let category = try text()
        let title = try text()
        let content = try next(String.self)
        let citizen = Citizen(name: try text(), phone: try text())
        let location = Location(district: try text(), address: try text())
        let unit = try text()
        let coUnits = StoredList.values(fromJSON: try next(String.self))
        let receivedAt = Self.toMillisecond(try next(Date.self))
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
            deadline: try time()
        )
        self.unit = unit
        self.coUnits = coUnits
        dispatchedAt = try time()
        claimedAt = try time()
        claimBy = try time()
        dueBy = try time()
        repliedAt = try time()
        ratingBy = try time()
        callbackBy = try time()
        overdue = try flag()
        supervised = try flag()
        longTerm = try flag()
        phaseDueBy = try time()
        extensionPending = try flag()
        extensionUntil = try time()
        extensionLongTerm = try flag()
        rating = try optionalEnumerated()
        solved = try next(Bool?.self)
        callbackAttempts = Int(try next(Int32.self))
        duplicateOf = try text()
        closedAs = try optionalEnumerated()
        closedAt = try time()
        reopenedAt = try time()
        ratedAt = try time()
        phaseStartedAt = try time()
        unitOverdue = try flag()
        resolveOverdue = try flag()
        badRated = try flag()
        calledBack = try flag()
        rectified = try flag()
        extended = try flag()
        claimOverdue = try flag()
        urged = Int(try next(Int32.self))
        answeredBy = try optionalEnumerated()
        result = try text()
        knowledge = StoredList.values(fromJSON: try next(String.self))
        centreAnswered = try flag()
        assert(index - offset == Self.postgresColumns.count, "Ticket(postgresRow:) reads every column")
    }

    /// `date` at the millisecond it was written at: the server keeps microseconds since 2000,
    /// which come back as a `Double` a hair off the written value.
    static func toMillisecond(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    /// The select list of ``init(postgresRow:startingAt:)``: the JSON columns as text.
    static func postgresSelectedColumns(_ alias: String) -> String {
        postgresColumns.map { name in
            name == "co_units" || name == "knowledge" ? "\(alias).\(name)::text" : "\(alias).\(name)"
        }.joined(separator: ", ")
    }

    /// The select list of ticket reads: ``postgresSelectedColumns(_:)`` with the overdue
    /// flags completed by the ticket's passings not yet folded (`deadline_passed`), as every
    /// read must show them.
    static func postgresCompletedColumns(_ alias: String) -> String {
        postgresColumns.map { name in
            let column = "\(alias).\(name)"
            switch name {
            case "co_units", "knowledge": return "\(column)::text"
            case "overdue": return "(\(column) OR \(PostgresTicketStore.unfoldedPassing(of: alias)))"
            case "unit_overdue":
                return "(\(column) OR \(PostgresTicketStore.unfoldedPassing(of: alias, kinds: .units)))"
            case "resolve_overdue":
                return "(\(column) OR \(PostgresTicketStore.unfoldedPassing(of: alias, kinds: .resolve)))"
            case "claim_overdue":
                return "(\(column) OR \(PostgresTicketStore.unfoldedPassing(of: alias, kinds: .claim)))"
            default: return column
            }
        }.joined(separator: ", ")
    }
}
