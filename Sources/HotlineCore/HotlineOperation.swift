/// Every call a client can make, for the role table of contract §2.
public enum HotlineOperation: String, Sendable, CaseIterable, Hashable {
    /// Create a ticket.
    case submit
    /// Read one ticket and its history.
    case get
    /// Read a page of tickets.
    case list
    /// Send a ticket to a lead unit.
    case dispatch
    /// Take a dispatched ticket on.
    case claim
    /// Add a progress (phase) note.
    case progress
    /// Give a ticket back as not the unit's.
    case `return`
    /// Ask for more time.
    case requestExtension
    /// Approve or refuse more time.
    case decideExtension
    /// Say why a deadline was missed.
    case explainOverdue
    /// Answer the citizen.
    case reply
    /// Record the citizen's rating.
    case rate
    /// Record the call-back after a bad rating.
    case callback
    /// Close a ticket as a duplicate.
    case merge
    /// Flag a ticket as supervised.
    case supervise
    /// Urge the lead unit on (催办).
    case urge
    /// Answer a pending ticket at the centre (直接答复).
    case answer
    /// Find tickets by their words, the caller's phone and other filters.
    case search
    /// Read the per-unit figures.
    case stats
    /// Count the tickets of a period by category, district, unit or channel (热点).
    case hotspots
    /// Stream notices.
    case watch
    /// Read the daemon's health.
    case status
    /// Varlink service information.
    case getInfo
    /// Varlink interface text.
    case getInterfaceDescription
    /// Move the manual clock (testing only).
    case setTime
    /// Write a copy of the database into the backup folder (contract §12).
    case backup

    /// Operations a unit member performs on its own unit's tickets.
    static let unitWork: Set<HotlineOperation> = [
        .claim, .progress, .return, .requestExtension, .explainOverdue, .reply,
    ]
    /// Operations of the hotline centre's operators.
    static let operatorWork: Set<HotlineOperation> = [
        .submit, .answer, .dispatch, .merge, .rate, .callback, .urge, .hotspots,
    ]
    /// Operations of supervisors on top of the operators'.
    static let supervisorWork: Set<HotlineOperation> = [.decideExtension, .supervise]
    /// Operations of the administrator (root) alone.
    static let adminWork: Set<HotlineOperation> = [.setTime, .backup]
    /// Reading operations every role but `none` has (units limited to their own tickets).
    static let reading: Set<HotlineOperation> = [.get, .list, .search, .stats, .watch]
    /// Operations anybody may call.
    static let open: Set<HotlineOperation> = [.getInfo, .getInterfaceDescription, .status]
    /// The operations that change one ticket through the lifecycle (one method each).
    public static let ticketChanges: Set<HotlineOperation> = [
        .dispatch, .claim, .progress, .return, .requestExtension, .decideExtension, .explainOverdue,
        .reply, .rate, .callback, .merge, .supervise, .urge, .answer,
    ]

    /// The name of the interface method (`requestExtension` → `RequestExtension`).
    public var method: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }

    /// The operation of an interface method, by the method's name (`RequestExtension` →
    /// ``requestExtension``); nil for a name that is no operation.
    public init?(method member: String) {
        guard let first = member.first, first.isUppercase else { return nil }
        self.init(rawValue: first.lowercased() + member.dropFirst())
    }
}

extension Role {
    /// Whether this role may call `operation` at all (contract §2). Per-ticket rules
    /// (a unit's own tickets, lead or co-unit) are checked by ``Lifecycle``.
    public func may(_ operation: HotlineOperation) -> Bool {
        if HotlineOperation.open.contains(operation) { return true }
        switch self {
        case .none:
            return false
        case .unit:
            return HotlineOperation.unitWork.contains(operation) || HotlineOperation.reading.contains(operation)
        case .operator:
            return HotlineOperation.operatorWork.contains(operation) || HotlineOperation.reading.contains(operation)
        case .supervisor:
            return HotlineOperation.operatorWork.contains(operation) || HotlineOperation.reading.contains(operation)
                || HotlineOperation.supervisorWork.contains(operation)
        case .admin:
            return HotlineOperation.operatorWork.contains(operation) || HotlineOperation.reading.contains(operation)
                || HotlineOperation.supervisorWork.contains(operation) || HotlineOperation.adminWork.contains(operation)
        }
    }
}
