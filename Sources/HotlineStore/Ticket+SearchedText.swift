import HotlineCore

extension Ticket {
    /// What ticket search looks in (contract §9): title, content, address and the latest
    /// answer, in that order (every backend indexes these fields, and only these).
    package var searchedText: [String?] { [title, content, location.address, result] }
}
