import Foundation
import HotlineCore
import Varlink

extension Ticket {
    /// The ticket as the `Ticket` type of the interface, times in `timeZone`.
    /// With `masked`, the citizen's name and phone are masked as units see them.
    public func wireValue(in timeZone: TimeZone, masked: Bool) -> JSONValue {
        func time(_ date: Date?) -> JSONValue { date.map { .string(RFC3339.format($0, in: timeZone)) } ?? .null }
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        let shown = masked ? ContactMasking.citizen(citizen) : citizen
        return .object([
            "id": .string(id),
            "channel": .string(channel.rawValue),
            "submissionId": .string(submissionId),
            "status": .string(status.rawValue),
            "priority": .string(priority.rawValue),
            "category": text(category),
            "title": text(title),
            "content": .string(content),
            "citizen": .object(["name": text(shown.name), "phone": text(shown.phone)]),
            "location": .object(["district": text(location.district), "address": text(location.address)]),
            "unit": text(unit),
            "coUnits": .array(coUnits.map(JSONValue.string)),
            "receivedAt": time(receivedAt),
            "deadline": time(deadline),
            "dispatchedAt": time(dispatchedAt),
            "claimedAt": time(claimedAt),
            "claimBy": time(claimBy),
            "dueBy": time(dueBy),
            "repliedAt": time(repliedAt),
            "ratingBy": time(ratingBy),
            "callbackBy": time(callbackBy),
            "overdue": .bool(overdue),
            "supervised": .bool(supervised),
            "urged": .int(Int64(urged)),
            "answeredBy": text(answeredBy?.rawValue),
            "result": text(result),
            "knowledge": .array(knowledge.map(JSONValue.string)),
            "longTerm": .bool(longTerm),
            "phaseDueBy": time(phaseDueBy),
            "extensionPending": .bool(extensionPending),
            "extensionUntil": time(extensionUntil),
            "extensionLongTerm": .bool(extensionLongTerm),
            "rating": text(rating?.rawValue),
            "solved": solved.map(JSONValue.bool) ?? .null,
            "callbackAttempts": .int(Int64(callbackAttempts)),
            "duplicateOf": text(duplicateOf),
            "closedAs": text(closedAs?.rawValue),
            "closedAt": time(closedAt),
        ])
    }
}

extension TicketEvent {
    /// The event as the `Event` type of the interface, its time in `timeZone`.
    public func wireValue(in timeZone: TimeZone) -> JSONValue {
        .object([
            "at": .string(RFC3339.format(at, in: timeZone)),
            "kind": .string(kind.rawValue),
            "actorUid": .int(Int64(actorUid)),
            "role": .string(role.rawValue),
            "unit": unit.map(JSONValue.string) ?? .null,
            "note": note.map(JSONValue.string) ?? .null,
        ])
    }
}
