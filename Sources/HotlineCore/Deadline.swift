import Foundation

/// One running deadline of a ticket: its window, and how far the SLA clock has got with it.
public struct Deadline: Sendable, Hashable {
    /// How far the clock has got.
    public enum State: String, Sendable, Codable, CaseIterable, Hashable {
        /// Before the due-soon point.
        case open
        /// The due-soon notice went out.
        case warned
        /// The deadline passed; the overdue notice went out (or the ticket closed unrated).
        case passed
    }

    /// Which deadline.
    public var kind: DeadlineKind
    /// When the window started.
    public var start: Date
    /// When it is due.
    public var due: Date
    /// The due-soon point: `warn_at` of the way from start to due.
    public var warnAt: Date
    /// How far the clock has got.
    public var state: State

    /// Creates a deadline in state `open` with its due-soon point at `warnFraction` of the window.
    public init(kind: DeadlineKind, start: Date, due: Date, warnFraction: Double) {
        self.kind = kind
        self.start = start
        self.due = due
        let window = max(0, due.timeIntervalSince(start))
        self.warnAt = start.addingTimeInterval((window * warnFraction * 1000).rounded(.down) / 1000)
        self.state = .open
    }

    /// Creates a deadline from stored values.
    public init(kind: DeadlineKind, start: Date, due: Date, warnAt: Date, state: State) {
        self.kind = kind
        self.start = start
        self.due = due
        self.warnAt = warnAt
        self.state = state
    }

    /// When the clock must next look at it: the due-soon point, then the first millisecond
    /// after the due time (a deadline is missed once it has passed, not at the moment itself);
    /// nil once it has passed.
    public var nextCheck: Date? {
        let afterDue = due.addingTimeInterval(0.001)
        switch state {
        case .open: return kind == .rating ? afterDue : min(warnAt, afterDue)
        case .warned: return afterDue
        case .passed: return nil
        }
    }
}

extension Ticket {
    /// The deadlines running in the ticket's current status, with their windows.
    ///
    /// claim runs while dispatched (from dispatch); resolve while with the unit (from
    /// receipt, or from the reopening for a rectification); phase while a long-term ticket
    /// is with the unit (from the last report); callback while a call-back is owed (from the
    /// rating); rating while replied (from the reply).
    public func runningDeadlines(warnFraction: Double) -> [Deadline] {
        var deadlines: [Deadline] = []
        func add(_ kind: DeadlineKind, from start: Date?, to due: Date?) {
            guard let start, let due else { return }
            deadlines.append(Deadline(kind: kind, start: start, due: due, warnFraction: warnFraction))
        }
        switch status {
        case .dispatched:
            add(.claim, from: dispatchedAt, to: claimBy)
            add(.resolve, from: receivedAt, to: dueBy)
            if longTerm { add(.phase, from: phaseStartedAt, to: phaseDueBy) }
        case .claimed:
            add(.resolve, from: receivedAt, to: dueBy)
            if longTerm { add(.phase, from: phaseStartedAt, to: phaseDueBy) }
        case .reopened:
            add(.resolve, from: reopenedAt ?? receivedAt, to: dueBy)
            if longTerm { add(.phase, from: phaseStartedAt, to: phaseDueBy) }
        case .callback:
            add(.callback, from: ratedAt, to: callbackBy)
        case .replied:
            add(.rating, from: repliedAt, to: ratingBy)
        case .pending, .closed:
            break
        }
        return deadlines
    }
}
