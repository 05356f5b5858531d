import Foundation

/// The ticket lifecycle (contract §3) as one state machine: every transition is decided here,
/// and nowhere else. Pure: the caller passes the time and the configuration.
public struct Lifecycle: Sendable {
    /// The configuration in force: units, routes, calendar and SLA.
    public var configuration: HotlineConfiguration

    /// Creates a lifecycle over a configuration.
    public init(configuration: HotlineConfiguration) {
        self.configuration = configuration
    }

    /// The statuses in which each operation is allowed.
    public static func allowedStatuses(for operation: HotlineOperation) -> Set<TicketStatus> {
        switch operation {
        case .dispatch: [.pending, .dispatched, .claimed, .reopened]
        case .claim: [.dispatched]
        case .progress: [.dispatched, .claimed, .reopened]
        case .return: [.dispatched, .claimed]
        case .requestExtension: [.claimed, .reopened]
        case .decideExtension: [.claimed, .reopened]
        case .explainOverdue: Set(TicketStatus.allCases)
        case .reply: [.claimed, .reopened]
        case .rate: [.replied]
        case .callback: [.callback]
        case .merge: [.pending, .dispatched, .claimed, .reopened, .replied]
        case .supervise: Set(TicketStatus.allCases).subtracting([.closed])
        case .urge: [.dispatched, .claimed, .reopened]
        case .answer: [.pending]
        default: []
        }
    }

    // MARK: Submit

    /// Creates the ticket for a new submission and routes it: the first matching route
    /// dispatches it straight to its unit; otherwise it waits as `pending`. With an answer
    /// the centre gave on the call, no route is tried: the ticket is created `replied`.
    public func submit(_ submission: Submission, id: String, by caller: Caller, at now: Date) -> Transition {
        var ticket = Ticket(
            id: id,
            channel: submission.channel,
            submissionId: submission.submissionId,
            priority: submission.priority,
            category: submission.category,
            title: submission.title,
            content: submission.content,
            citizen: submission.citizen,
            location: submission.location,
            receivedAt: submission.receivedAt ?? now,
            deadline: submission.deadline
        )
        var events = [
            TicketEvent(
                at: now,
                kind: .submitted,
                actorUid: caller.uid,
                role: caller.role.kind,
                unit: caller.role.unitID,
                note: submission.channel.rawValue
            )
        ]
        if let answer = submission.answer {
            answerAtCentre(&ticket, answer, knowledge: submission.knowledge, at: now)
            events.append(
                TicketEvent(at: now, kind: .answered, actorUid: caller.uid, role: caller.role.kind, note: answer)
            )
            return Transition(ticket: ticket, events: events)
        }
        if let route = configuration.router.route(for: ticket) {
            dispatch(&ticket, to: route.unit, coUnits: route.coUnits, route: route, at: now)
            events.append(
                TicketEvent(
                    at: now,
                    kind: .dispatched,
                    actorUid: caller.uid,
                    role: caller.role.kind,
                    unit: route.unit,
                    note: "routed"
                )
            )
            return Transition(
                ticket: ticket,
                events: events,
                notices: [Notice(at: now, kind: .dispatched, ticketID: id, unit: route.unit, coUnits: route.coUnits)]
            )
        }
        events.append(
            TicketEvent(
                at: now,
                kind: .queued,
                actorUid: caller.uid,
                role: caller.role.kind,
                note: "no route matched"
            )
        )
        return Transition(ticket: ticket, events: events)
    }

    // MARK: Commands

    /// Applies a command to a ticket on behalf of a caller.
    ///
    /// Checks, in order: the caller's role may use the operation at all (`permissionDenied`);
    /// a unit sees only tickets it leads or co-handles (`noSuchTicket`, never the contents);
    /// only the lead unit claims, returns, extends, explains and replies (`permissionDenied`);
    /// the ticket's status allows it (`invalidTransition`); the parameters make sense
    /// (`invalidParameter`, `noSuchUnit`).
    public func apply(
        _ command: TicketCommand,
        to ticket: Ticket,
        by caller: Caller,
        at now: Date
    ) throws(HotlineError) -> Transition {
        let operation = command.operation
        guard caller.role.may(operation) else { throw .permissionDenied }
        if let unit = caller.role.unitID {
            guard ticket.involves(unit: unit) else { throw .noSuchTicket(id: ticket.id) }
            if operation != .progress, ticket.unit != unit { throw .permissionDenied }
        }
        guard Self.allowedStatuses(for: operation).contains(ticket.status) else {
            throw .invalidTransition(id: ticket.id, status: ticket.status)
        }

        var next = ticket
        var kind: TicketEventKind
        var note: String?
        var eventUnit = caller.role.unitID
        var notices: [Notice] = []

        switch command {
        case .dispatch(let unit, let coUnits, let dispatchNote):
            try checkUnits(lead: unit, coUnits: coUnits)
            dispatch(&next, to: unit, coUnits: coUnits, route: nil, at: now)
            kind = .dispatched
            note = dispatchNote
            eventUnit = unit
            notices.append(Notice(at: now, kind: .dispatched, ticketID: ticket.id, unit: unit, coUnits: coUnits))

        case .claim:
            next.status = .claimed
            next.claimedAt = now
            kind = .claimed

        case .progress(let text):
            try requireText(text, "note")
            if next.longTerm {
                next.phaseStartedAt = now
                next.phaseDueBy = configuration.calendar.deadline(after: now, adding: configuration.sla.phase)
            }
            kind = .progress
            note = text

        case .return(let reason):
            try requireText(reason, "reason")
            let dispatchedAt = ticket.dispatchedAt ?? ticket.receivedAt
            let windowEnd = configuration.calendar.deadline(after: dispatchedAt, adding: configuration.sla.returnWindow)
            guard now <= windowEnd else { throw .invalidTransition(id: ticket.id, status: ticket.status) }
            next.status = .pending
            next.unit = nil
            next.coUnits = []
            next.claimBy = nil
            next.claimedAt = nil
            next.claimOverdue = false
            kind = .returned
            note = reason

        case .requestExtension(let reason, let until, let longTerm):
            try requireText(reason, "reason")
            guard !ticket.extensionPending else { throw .invalidTransition(id: ticket.id, status: ticket.status) }
            switch (until, longTerm) {
            case (nil, false):
                throw .invalidParameter(parameter: "until", reason: "give either until or longTerm: true")
            case (.some, true):
                throw .invalidParameter(parameter: "longTerm", reason: "give either until or longTerm: true, not both")
            case (.some(let date), false):
                guard date > now, date > (ticket.dueBy ?? now) else {
                    throw .invalidParameter(parameter: "until", reason: "must be later than the current due time")
                }
            case (nil, true):
                guard !ticket.longTerm else { throw .invalidTransition(id: ticket.id, status: ticket.status) }
            }
            next.extensionPending = true
            next.extensionUntil = until
            next.extensionLongTerm = longTerm
            kind = .extensionRequested
            note = reason

        case .decideExtension(let approve, let decisionNote):
            guard ticket.extensionPending else { throw .invalidTransition(id: ticket.id, status: ticket.status) }
            if approve {
                next.extended = true
                if ticket.extensionLongTerm {
                    next.longTerm = true
                    next.dueBy = nil
                    next.phaseStartedAt = now
                    next.phaseDueBy = configuration.calendar.deadline(after: now, adding: configuration.sla.phase)
                } else {
                    next.dueBy = ticket.extensionUntil
                }
                kind = .extensionApproved
            } else {
                kind = .extensionRefused
            }
            next.extensionPending = false
            next.extensionUntil = nil
            next.extensionLongTerm = false
            note = decisionNote
            eventUnit = ticket.unit

        case .explainOverdue(let reason):
            try requireText(reason, "reason")
            guard ticket.isOverdue(at: now) else { throw .invalidTransition(id: ticket.id, status: ticket.status) }
            kind = .overdueExplained
            note = reason

        case .reply(let result):
            try requireText(result, "result")
            next.status = .replied
            next.repliedAt = now
            next.ratingBy = configuration.calendar.deadline(after: now, adding: configuration.sla.ratingWindow)
            next.extensionPending = false
            next.extensionUntil = nil
            next.extensionLongTerm = false
            next.phaseDueBy = nil
            next.answeredBy = .unit
            next.result = result
            kind = .replied
            note = result

        case .rate(let rating, let solved, let comment):
            next.rating = rating
            next.solved = solved
            next.ratingBy = nil
            next.ratedAt = now
            if rating.isBad {
                next.status = .callback
                next.badRated = true
                next.calledBack = false
                next.callbackAttempts = 0
                next.callbackBy = configuration.calendar.deadline(after: now, adding: configuration.sla.callback)
                notices.append(
                    Notice(at: now, kind: .badRating, ticketID: ticket.id, unit: ticket.unit, coUnits: ticket.coUnits)
                )
            } else {
                close(&next, as: .rated, at: now)
            }
            kind = .rated
            note = "\(rating.rawValue), " + (solved ? "solved" : "not solved") + (comment.map { ": \($0)" } ?? "")
            eventUnit = ticket.unit

        case .callback(let outcome, let text, let unit):
            try requireText(text, "note")
            if let unit, outcome != .rectify || (ticket.unit != nil && unit != ticket.unit) {
                throw .invalidParameter(
                    parameter: "unit",
                    reason: ticket.unit.map { "the ticket is the unit \($0)'s; leave unit out" }
                        ?? "only a rectify call-back sends the ticket to a unit"
                )
            }
            switch outcome {
            case .rectify:
                if ticket.unit == nil {
                    // A centre-answered ticket goes to a unit for the first time.
                    guard let unit else {
                        throw .invalidParameter(
                            parameter: "unit",
                            reason: "the centre answered it: name the unit to rectify"
                        )
                    }
                    try checkUnits(lead: unit, coUnits: [])
                    next.unit = unit
                    next.coUnits = []
                    next.dispatchedAt = now
                }
                next.status = .reopened
                next.calledBack = true
                next.rectified = true
                next.reopenedAt = now
                notices.append(
                    Notice(at: now, kind: .reopened, ticketID: ticket.id, unit: next.unit, coUnits: next.coUnits)
                )
                next.callbackBy = nil
                next.dueBy = configuration.calendar.deadline(after: now, adding: configuration.sla.rectify)
                next.longTerm = false
                next.phaseDueBy = nil
            case .explained:
                next.calledBack = true
                next.callbackBy = nil
                close(&next, as: .callback, at: now)
            case .unreachable:
                next.callbackAttempts += 1
                if next.callbackAttempts >= configuration.sla.callbackAttempts {
                    next.calledBack = true
                    next.callbackBy = nil
                    close(&next, as: .callback, at: now)
                }
            }
            kind = .callback
            note = "\(outcome.rawValue): \(text)"
            eventUnit = next.unit

        case .merge(let into):
            guard into != ticket.id else {
                throw .invalidParameter(parameter: "into", reason: "a ticket cannot be merged into itself")
            }
            next.duplicateOf = into
            close(&next, as: .duplicate, at: now)
            kind = .merged
            note = into
            eventUnit = ticket.unit

        case .supervise(let text):
            try requireText(text, "note")
            next.supervised = true
            kind = .supervised
            note = text
            eventUnit = ticket.unit

        case .answer(let text, let knowledge):
            try requireText(text, "answer")
            answerAtCentre(&next, text, knowledge: knowledge, at: now)
            kind = .answered
            note = text

        case .urge(let text):
            if let text { try requireText(text, "note") }
            next.urged += 1
            kind = .urged
            note = text
            eventUnit = ticket.unit
            // The lead unit's streams (and the centre's, which see everything); not the co-units'.
            notices.append(Notice(at: now, kind: .urged, ticketID: ticket.id, unit: ticket.unit, coUnits: []))
        }

        var events = [
            TicketEvent(at: now, kind: kind, actorUid: caller.uid, role: caller.role.kind, unit: eventUnit, note: note)
        ]
        if next.status == .closed && ticket.status != .closed {
            events.append(
                TicketEvent(
                    at: now,
                    kind: .closed,
                    actorUid: caller.uid,
                    role: caller.role.kind,
                    unit: ticket.unit,
                    note: next.closedAs?.rawValue
                )
            )
        }
        return Transition(ticket: next, events: events, notices: notices)
    }

    // MARK: Direct answers

    /// The centre answers `ticket` itself: replied, answered by the centre, the rating window
    /// running as after a unit's reply.
    func answerAtCentre(_ ticket: inout Ticket, _ answer: String, knowledge: [String], at now: Date) {
        ticket.status = .replied
        ticket.answeredBy = .centre
        ticket.centreAnswered = true
        ticket.result = answer
        ticket.knowledge = knowledge
        ticket.repliedAt = now
        ticket.ratingBy = configuration.calendar.deadline(after: now, adding: configuration.sla.ratingWindow)
    }

    // MARK: Deadlines

    /// Dispatches `ticket` to `unit` and sets its deadlines (contract §4).
    ///
    /// `claimBy` runs from now; `dueBy` is the explicit deadline, else receivedAt + resolve,
    /// and is kept when an already dispatched ticket is reassigned. A route may override
    /// claim and resolve; an urgent ticket's deadline is the earlier of the urgent one and
    /// the normal one.
    func dispatch(_ ticket: inout Ticket, to unit: String, coUnits: [String], route: Route?, at now: Date) {
        let sla = configuration.sla
        let calendar = configuration.calendar
        ticket.status = .dispatched
        ticket.unit = unit
        ticket.coUnits = coUnits
        ticket.dispatchedAt = now
        ticket.claimedAt = nil
        ticket.claimOverdue = false
        var claimBy = calendar.deadline(after: now, adding: route?.claim ?? sla.claim)
        if ticket.priority == .urgent {
            claimBy = min(claimBy, calendar.deadline(after: now, adding: sla.urgentClaim))
        }
        ticket.claimBy = claimBy
        if ticket.dueBy == nil && !ticket.longTerm {
            if let explicit = ticket.deadline {
                ticket.dueBy = explicit
            } else {
                var dueBy = calendar.deadline(after: ticket.receivedAt, adding: route?.resolve ?? sla.resolve)
                if ticket.priority == .urgent {
                    dueBy = min(dueBy, calendar.deadline(after: ticket.receivedAt, adding: sla.urgentResolve))
                }
                ticket.dueBy = dueBy
            }
        }
    }

    private func close(_ ticket: inout Ticket, as how: ClosedAs, at now: Date) {
        ticket.status = .closed
        ticket.closedAs = how
        ticket.closedAt = now
    }

    private func checkUnits(lead: String, coUnits: [String]) throws(HotlineError) {
        guard configuration.unit(lead) != nil else { throw .noSuchUnit(unit: lead) }
        for co in coUnits {
            guard configuration.unit(co) != nil else { throw .noSuchUnit(unit: co) }
            guard co != lead else {
                throw .invalidParameter(parameter: "coUnits", reason: "the lead unit \(lead) cannot also co-handle")
            }
        }
        guard Set(coUnits).count == coUnits.count else {
            throw .invalidParameter(parameter: "coUnits", reason: "a unit is named twice")
        }
    }

    private func requireText(_ text: String, _ parameter: String) throws(HotlineError) {
        guard !text.allSatisfy(\.isWhitespace) else {
            throw .invalidParameter(parameter: parameter, reason: "must not be empty")
        }
    }
}
