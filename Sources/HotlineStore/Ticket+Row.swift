import Foundation
import GRDB
import HotlineCore

/// Reading and writing a ``Ticket`` as a row of the `ticket` table.
extension Ticket {
    /// The columns of the `ticket` table that hold the ticket (all but `seq`), in order.
    static let columnNames = [
        "id", "channel", "submissionId", "status", "priority", "category", "title", "content", "citizenName",
        "citizenPhone", "district", "address", "unit", "coUnits", "receivedAt", "deadline", "dispatchedAt",
        "claimedAt", "claimBy", "dueBy", "repliedAt", "ratingBy", "callbackBy", "overdue", "supervised",
        "longTerm", "phaseDueBy", "extensionPending", "extensionUntil", "extensionLongTerm", "rating", "solved",
        "callbackAttempts", "duplicateOf", "closedAs", "closedAt", "reopenedAt", "ratedAt", "phaseStartedAt",
        "unitOverdue", "resolveOverdue", "badRated", "calledBack", "rectified", "extended",
    ]

    /// The column list every ticket query selects, qualified with `alias` when given.
    static func columns(_ alias: String? = nil) -> String {
        columnNames.map { name in alias.map { "\($0).\(name)" } ?? name }.joined(separator: ", ")
    }

    /// Decodes a row selected with ``columns``.
    init(row: Row) throws {
        func enumValue<T: RawRepresentable<String>>(_ column: String) throws -> T {
            let raw: String = row[column]
            guard let value = T(rawValue: raw) else { throw StoreError.corrupt("ticket.\(column) = \(raw)") }
            return value
        }
        func date(_ column: String) -> Date? { (row[column] as Int64?).map(Date.init(millis:)) }

        self.init(
            id: row["id"], channel: try enumValue("channel"), submissionId: row["submissionId"],
            status: try enumValue("status"), priority: try enumValue("priority"), category: row["category"],
            title: row["title"], content: row["content"],
            citizen: Citizen(name: row["citizenName"], phone: row["citizenPhone"]),
            location: Location(district: row["district"], address: row["address"]),
            receivedAt: Date(millis: row["receivedAt"]), deadline: date("deadline")
        )
        unit = row["unit"]
        let coUnitsJSON: String = row["coUnits"]
        coUnits = coUnitsJSON == "[]" ? [] : (try? JSONDecoder().decode([String].self, from: Data(coUnitsJSON.utf8))) ?? []
        dispatchedAt = date("dispatchedAt")
        claimedAt = date("claimedAt")
        claimBy = date("claimBy")
        dueBy = date("dueBy")
        repliedAt = date("repliedAt")
        ratingBy = date("ratingBy")
        callbackBy = date("callbackBy")
        overdue = row["overdue"]
        supervised = row["supervised"]
        longTerm = row["longTerm"]
        phaseDueBy = date("phaseDueBy")
        extensionPending = row["extensionPending"]
        extensionUntil = date("extensionUntil")
        extensionLongTerm = row["extensionLongTerm"]
        rating = (row["rating"] as String?).flatMap(Rating.init(rawValue:))
        solved = row["solved"]
        callbackAttempts = row["callbackAttempts"]
        duplicateOf = row["duplicateOf"]
        closedAs = (row["closedAs"] as String?).flatMap(ClosedAs.init(rawValue:))
        closedAt = date("closedAt")
        reopenedAt = date("reopenedAt")
        ratedAt = date("ratedAt")
        phaseStartedAt = date("phaseStartedAt")
        unitOverdue = row["unitOverdue"]
        resolveOverdue = row["resolveOverdue"]
        badRated = row["badRated"]
        calledBack = row["calledBack"]
        rectified = row["rectified"]
        extended = row["extended"]
    }

    /// The column values in the order of ``columnNames``.
    var databaseValues: [(any DatabaseValueConvertible)?] {
        let coUnitsJSON = String(decoding: (try? JSONEncoder().encode(coUnits)) ?? Data("[]".utf8), as: UTF8.self)
        let values: [(any DatabaseValueConvertible)?] = [
            id, channel.rawValue, submissionId, status.rawValue, priority.rawValue, category, title, content,
            citizen.name, citizen.phone, location.district, location.address, unit, coUnitsJSON,
            receivedAt.millis, deadline?.millis, dispatchedAt?.millis, claimedAt?.millis, claimBy?.millis,
            dueBy?.millis, repliedAt?.millis, ratingBy?.millis, callbackBy?.millis, overdue, supervised,
            longTerm, phaseDueBy?.millis, extensionPending, extensionUntil?.millis, extensionLongTerm,
            rating?.rawValue, solved, callbackAttempts, duplicateOf, closedAs?.rawValue, closedAt?.millis,
            reopenedAt?.millis, ratedAt?.millis, phaseStartedAt?.millis, unitOverdue, resolveOverdue, badRated,
            calledBack, rectified, extended,
        ]
        return values
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
        self.init(at: Date(millis: row["at"]), kind: kind, actorUid: UInt32(row["actorUid"] as Int64),
                  role: role, unit: row["unit"], note: row["note"])
    }
}
