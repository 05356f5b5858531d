/// What a caller may do, derived from its peer credentials (contract §2).
public enum Role: Sendable, Hashable {
    /// uid 0: everything an operator and a supervisor may.
    case admin
    /// A hotline call-taker or mailbox clerk.
    case `operator`
    /// A hotline centre supervisor: an operator who also decides extensions and supervises.
    case supervisor
    /// A member of the named handling unit.
    case unit(String)
    /// Anyone else: GetInfo, GetInterfaceDescription and Status only.
    case none

    /// The role's name without its unit, as stored in events and sent on the wire.
    public enum Kind: String, Sendable, Codable, CaseIterable, Hashable {
        /// See ``Role/admin``.
        case admin
        /// See ``Role/operator``.
        case `operator`
        /// See ``Role/supervisor``.
        case supervisor
        /// See ``Role/unit(_:)``.
        case unit
        /// See ``Role/none``.
        case none
        /// The daemon itself (time-driven changes).
        case system
    }

    /// The role's kind.
    public var kind: Kind {
        switch self {
        case .admin: .admin
        case .operator: .operator
        case .supervisor: .supervisor
        case .unit: .unit
        case .none: .none
        }
    }

    /// The unit of a unit member, nil for every other role.
    public var unitID: String? {
        if case .unit(let id) = self { return id }
        return nil
    }

    /// Whether the role works for the hotline centre (operator, supervisor or admin).
    public var isCentre: Bool {
        switch self {
        case .admin, .operator, .supervisor: true
        case .unit, .none: false
        }
    }

    /// Whether the role may decide extensions and supervise tickets.
    public var isSupervisor: Bool {
        self == .admin || self == .supervisor
    }
}
