import Foundation

/// One entry of a ticket's history. Events are appended, never changed or deleted.
public struct TicketEvent: Sendable, Codable, Hashable {
    /// When it happened.
    public var at: Date
    /// What happened.
    public var kind: TicketEventKind
    /// The uid of the caller who caused it (0 for the daemon itself).
    public var actorUid: UInt32
    /// The caller's role.
    public var role: Role.Kind
    /// The unit involved: the caller's unit, or the unit a ticket was dispatched to.
    public var unit: String?
    /// Free text: the reason, the note, the result. Never logged.
    public var note: String?

    /// Creates an event.
    public init(
        at: Date,
        kind: TicketEventKind,
        actorUid: UInt32,
        role: Role.Kind,
        unit: String? = nil,
        note: String? = nil
    ) {
        self.at = at
        self.kind = kind
        self.actorUid = actorUid
        self.role = role
        self.unit = unit
        self.note = note
    }
}
