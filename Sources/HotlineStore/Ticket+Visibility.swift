import HotlineCore

extension Ticket {
    /// Whether a caller of `role` may see this ticket: a unit the tickets it leads or
    /// co-handles, the centre's roles every ticket, nobody else any (every store reads so).
    package func isVisible(to role: Role) -> Bool {
        switch role {
        case .unit(let unit): involves(unit: unit)
        case .none: false
        case .admin, .operator, .supervisor: true
        }
    }
}
