import Foundation
import HotlineCore
import Varlink

extension Notice {
    /// The notice as the `Notice` type of the interface.
    public func wireValue(in timeZone: TimeZone) -> JSONValue {
        .object([
            "at": .string(RFC3339.format(at, in: timeZone)),
            "kind": .string(kind.rawValue),
            "ticket": .string(ticketID),
            "unit": unit.map(JSONValue.string) ?? .null,
            "deadline": deadline.map { .string($0.rawValue) } ?? .null,
        ])
    }
}
