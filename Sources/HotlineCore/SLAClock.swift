import Foundation

/// What happens because time passes (contract §4): due-soon notices, overdue marks, and
/// replied tickets closing unrated. Pure: the store feeds it the deadlines whose next check
/// has come and writes back what it decides.
public struct SLAClock: Sendable {
    /// The outcome of looking at one deadline.
    public struct Outcome: Sendable, Hashable {
        /// The ticket after (changed when it went overdue or closed).
        public var ticket: Ticket
        /// The deadline after.
        public var deadline: Deadline
        /// Events to append.
        public var events: [TicketEvent]
        /// Notices to send.
        public var notices: [Notice]
    }

    /// Creates the clock.
    public init() {}

    /// Looks at one deadline of `ticket` at `now`.
    ///
    /// Past due (strictly after the due time): the ticket becomes overdue (once; the rating window instead closes the
    /// ticket as unrated). Past the due-soon point: one due-soon notice (`callback_due` for a
    /// call-back). A deadline whose due-soon point and due time have both passed gets only
    /// the overdue notice.
    public func fire(_ deadline: Deadline, of ticket: Ticket, at now: Date) -> Outcome {
        var next = ticket
        var after = deadline
        var events: [TicketEvent] = []
        var notices: [Notice] = []
        let unit = deadline.kind == .callback ? nil : ticket.unit

        if now > deadline.due, deadline.state != .passed {
            after.state = .passed
            if deadline.kind == .rating {
                next.status = .closed
                next.closedAs = .unrated
                next.closedAt = now
                next.ratingBy = nil
                events.append(
                    TicketEvent(
                        at: now,
                        kind: .closed,
                        actorUid: 0,
                        role: .system,
                        unit: ticket.unit,
                        note: ClosedAs.unrated.rawValue
                    )
                )
            } else {
                next.overdue = true
                if deadline.kind.isUnits { next.unitOverdue = true }
                if deadline.kind == .resolve { next.resolveOverdue = true }
                if deadline.kind == .claim { next.claimOverdue = true }
                events.append(
                    TicketEvent(
                        at: now,
                        kind: .overdue,
                        actorUid: 0,
                        role: .system,
                        unit: unit,
                        note: deadline.kind.rawValue
                    )
                )
                notices.append(
                    Notice(
                        at: now,
                        kind: .overdue,
                        ticketID: ticket.id,
                        unit: unit,
                        coUnits: deadline.kind == .callback ? [] : ticket.coUnits,
                        deadline: deadline.kind
                    )
                )
            }
        } else if now >= deadline.warnAt, deadline.state == .open, deadline.kind != .rating {
            after.state = .warned
            notices.append(
                Notice(
                    at: now,
                    kind: deadline.kind == .callback ? .callbackDue : .dueSoon,
                    ticketID: ticket.id,
                    unit: unit,
                    coUnits: deadline.kind == .callback ? [] : ticket.coUnits,
                    deadline: deadline.kind
                )
            )
        }
        return Outcome(ticket: next, deadline: after, events: events, notices: notices)
    }

    /// The notice a check that has come at `now` sends, without the ticket: due-soon
    /// (`callback_due` for a call-back) at the due-soon point unless the due time has passed
    /// too, overdue once the due time has passed. Nil for the rating window, which closes the
    /// ticket instead (``fire(_:of:at:)``), and for a due-soon point overtaken by its due time.
    /// A call-back is the hotline centre's own deadline: its notices name no unit.
    public func notice(for check: DeadlineCheck, at now: Date) -> Notice? {
        guard check.kind != .rating else { return nil }
        let centre = check.kind == .callback
        let unit = centre ? nil : check.unit
        let coUnits = centre ? [] : check.coUnits
        switch check.stage {
        case .due:
            return Notice(
                at: now,
                kind: .overdue,
                ticketID: check.ticketID,
                unit: unit,
                coUnits: coUnits,
                deadline: check.kind
            )
        case .warn:
            guard now <= check.due else { return nil }
            return Notice(
                at: now,
                kind: centre ? .callbackDue : .dueSoon,
                ticketID: check.ticketID,
                unit: unit,
                coUnits: coUnits,
                deadline: check.kind
            )
        }
    }
}
