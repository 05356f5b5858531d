import Foundation

/// A validated Submit request: what a citizen asked, before it is a ticket.
public struct Submission: Sendable, Hashable {
    /// How it arrived.
    public var channel: SubmissionChannel
    /// The submitting system's id; with `channel` the idempotency key.
    public var submissionId: String
    /// The request text.
    public var content: String
    /// A short title.
    public var title: String?
    /// The category.
    public var category: String?
    /// Normal or urgent.
    public var priority: Priority
    /// Who asked.
    public var citizen: Citizen
    /// Where.
    public var location: Location
    /// When it was received, if the submitter knows better than the daemon's clock.
    public var receivedAt: Date?
    /// An explicit resolve deadline.
    public var deadline: Date?
    /// The centre's answer on the call (直接答复): the ticket is created replied, not routed.
    public var answer: String?
    /// The knowledge-base entries that answer relied on.
    public var knowledge: [String]

    /// Creates a submission.
    public init(
        channel: SubmissionChannel,
        submissionId: String,
        content: String,
        title: String? = nil,
        category: String? = nil,
        priority: Priority = .normal,
        citizen: Citizen = Citizen(),
        location: Location = Location(),
        receivedAt: Date? = nil,
        deadline: Date? = nil,
        answer: String? = nil,
        knowledge: [String] = []
    ) {
        self.channel = channel
        self.submissionId = submissionId
        self.content = content
        self.title = title
        self.category = category
        self.priority = priority
        self.citizen = citizen
        self.location = location
        self.receivedAt = receivedAt
        self.deadline = deadline
        self.answer = answer
        self.knowledge = knowledge
    }

    /// Whether `ticket` was created from this same submission (the idempotency check).
    /// `receivedAt` is compared only when this submission gives one.
    public func isSame(as ticket: Ticket) -> Bool {
        firstDifference(from: ticket) == nil
    }

    /// The first parameter, as Submit names it (`citizen.phone`), whose value differs from
    /// what `ticket` was submitted with; nil when the submission repeats it.
    public func firstDifference(from ticket: Ticket) -> String? {
        let fields: [(String, Bool)] = [
            ("content", ticket.content == content), ("title", ticket.title == title),
            ("category", ticket.category == category),
            ("priority", ticket.priority == priority), ("citizen.name", ticket.citizen.name == citizen.name),
            ("citizen.phone", ticket.citizen.phone == citizen.phone),
            ("location.district", ticket.location.district == location.district),
            ("location.address", ticket.location.address == location.address),
            ("deadline", ticket.deadline == deadline),
            ("receivedAt", receivedAt.map { $0 == ticket.receivedAt } ?? true),
            ("answer", answer == nil || (ticket.centreAnswered && ticket.result == answer)),
        ]
        return fields.first { !$0.1 }?.0
    }
}
