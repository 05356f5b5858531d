import Foundation

/// A citizen's request and everything the hotline knows about its handling.
///
/// A plain value: the lifecycle (``Lifecycle``) computes the next value, the store persists it.
public struct Ticket: Sendable, Codable, Hashable {
    /// The id read out on the phone: the local date and a sequence, e.g. `20261129-0042`.
    public var id: String
    /// How the request arrived.
    public var channel: SubmissionChannel
    /// The submitting system's own id; `(channel, submissionId)` is the idempotency key.
    public var submissionId: String
    /// Where the ticket stands.
    public var status: TicketStatus
    /// Normal or urgent.
    public var priority: Priority
    /// The category used by routing and duplicate detection.
    public var category: String?
    /// A short title.
    public var title: String?
    /// The citizen's request in full. Never logged.
    public var content: String
    /// Who raised it. Never logged; masked for units.
    public var citizen: Citizen
    /// Where the problem is.
    public var location: Location
    /// The lead unit, once dispatched.
    public var unit: String?
    /// Units that co-handle the ticket: they may add progress notes.
    public var coUnits: [String]
    /// When the citizen's request was received.
    public var receivedAt: Date
    /// The deadline the submitter gave explicitly, if any.
    public var deadline: Date?
    /// When the ticket was last dispatched.
    public var dispatchedAt: Date?
    /// When the lead unit claimed it.
    public var claimedAt: Date?
    /// The claim deadline of the current dispatch.
    public var claimBy: Date?
    /// The resolve deadline; nil before dispatch and for approved long-term tickets.
    public var dueBy: Date?
    /// When the lead unit replied.
    public var repliedAt: Date?
    /// The end of the rating window of a replied ticket.
    public var ratingBy: Date?
    /// The call-back deadline of a badly rated ticket.
    public var callbackBy: Date?
    /// Whether a deadline of this ticket has passed unmet. Once set it stays set.
    public var overdue: Bool
    /// Whether the hotline centre has flagged it as supervised (督办).
    public var supervised: Bool
    /// Whether a long-term extension was approved: no final due time, phase reports owed.
    public var longTerm: Bool
    /// When the next phase report of a long-term ticket is due.
    public var phaseDueBy: Date?
    /// Whether an extension request waits for a supervisor's decision.
    public var extensionPending: Bool
    /// The due time asked for by the pending extension request.
    public var extensionUntil: Date?
    /// Whether the pending extension request asks for long-term handling.
    public var extensionLongTerm: Bool
    /// The citizen's rating, once rated.
    public var rating: Rating?
    /// Whether the citizen said the problem was solved.
    public var solved: Bool?
    /// How many call-back attempts found nobody.
    public var callbackAttempts: Int
    /// The ticket this one was merged into.
    public var duplicateOf: String?
    /// How the ticket closed.
    public var closedAs: ClosedAs?
    /// When the ticket closed.
    public var closedAt: Date?
    /// When the lead unit was last sent the ticket back for rectification.
    public var reopenedAt: Date?
    /// When the citizen's rating was last recorded.
    public var ratedAt: Date?
    /// When the current phase of a long-term ticket started (approval or last report).
    public var phaseStartedAt: Date?
    /// Whether a deadline of the unit's (claim, resolve, phase) passed unmet. Stays set.
    public var unitOverdue: Bool
    /// Whether the resolve deadline passed before the reply. Stays set.
    public var resolveOverdue: Bool
    /// Whether the claim deadline of the current dispatch passed unclaimed (cleared by the
    /// next dispatch, which starts a new claim window).
    public var claimOverdue: Bool
    /// Whether the citizen ever rated it badly.
    public var badRated: Bool
    /// Whether the call-back owed for a bad rating was made.
    public var calledBack: Bool
    /// Whether it was reopened for rectification after a call-back.
    public var rectified: Bool
    /// Whether a supervisor ever approved an extension.
    public var extended: Bool
    /// How many times the hotline centre urged the lead unit on (催办).
    public var urged: Int
    /// Who gave the latest answer; nil before one.
    public var answeredBy: AnsweredBy?
    /// The latest answer or reply; nil before one. Never logged.
    public var result: String?
    /// The knowledge-base entries the centre's answer relied on.
    public var knowledge: [String]
    /// Whether the hotline centre ever answered it itself (the direct-answer figures).
    public var centreAnswered: Bool

    /// Creates a ticket; everything not given starts empty.
    public init(
        id: String,
        channel: SubmissionChannel,
        submissionId: String,
        status: TicketStatus = .pending,
        priority: Priority = .normal,
        category: String? = nil,
        title: String? = nil,
        content: String,
        citizen: Citizen = Citizen(),
        location: Location = Location(),
        receivedAt: Date,
        deadline: Date? = nil
    ) {
        self.id = id
        self.channel = channel
        self.submissionId = submissionId
        self.status = status
        self.priority = priority
        self.category = category
        self.title = title
        self.content = content
        self.citizen = citizen
        self.location = location
        self.unit = nil
        self.coUnits = []
        self.receivedAt = receivedAt
        self.deadline = deadline
        self.overdue = false
        self.supervised = false
        self.longTerm = false
        self.extensionPending = false
        self.extensionLongTerm = false
        self.callbackAttempts = 0
        self.unitOverdue = false
        self.resolveOverdue = false
        self.claimOverdue = false
        self.badRated = false
        self.calledBack = false
        self.rectified = false
        self.extended = false
        self.urged = 0
        self.knowledge = []
        self.centreAnswered = false
    }

    /// Whether its unit has replied (the centre's own answer is not the unit's reply): what
    /// the figures and the SLA clock's checks count as replied.
    public var unitReplied: Bool { repliedAt != nil && answeredBy != .centre }

    /// Whether `unit` leads or co-handles this ticket, and so may see it.
    public func involves(unit other: String) -> Bool {
        unit == other || coUnits.contains(other)
    }

    /// Whether a deadline of the current stage has passed at `now`, or one already had.
    ///
    /// The SLA clock sets ``overdue`` when it notices; this answers the same question
    /// between two sweeps.
    public func isOverdue(at now: Date) -> Bool {
        if overdue { return true }
        switch status {
        case .dispatched:
            return (claimBy.map { now > $0 } ?? false) || (dueBy.map { now > $0 } ?? false)
        case .claimed, .reopened:
            return (dueBy.map { now > $0 } ?? false) || (phaseDueBy.map { now > $0 } ?? false)
        case .callback:
            return callbackBy.map { now > $0 } ?? false
        case .pending, .replied, .closed:
            return false
        }
    }
}
