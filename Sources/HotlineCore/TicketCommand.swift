import Foundation

/// A change a caller asks for on an existing ticket, with its validated parameters.
public enum TicketCommand: Sendable, Hashable {
    /// Send to a lead unit (pending), or reassign an open ticket.
    case dispatch(unit: String, coUnits: [String], note: String?)
    /// The lead unit takes a dispatched ticket on.
    case claim
    /// A progress (phase) report by the lead or a co-unit.
    case progress(note: String)
    /// The lead unit says the ticket is not theirs.
    case `return`(reason: String)
    /// The lead unit asks for a new due time or for long-term handling.
    case requestExtension(reason: String, until: Date?, longTerm: Bool)
    /// A supervisor approves or refuses the pending extension.
    case decideExtension(approve: Bool, note: String?)
    /// The lead unit explains a missed deadline.
    case explainOverdue(reason: String)
    /// The lead unit answers with its result.
    case reply(result: String)
    /// The citizen's rating.
    case rate(rating: Rating, solved: Bool, comment: String?)
    /// The call-back after a bad rating.
    case callback(outcome: CallbackOutcome, note: String, unit: String? = nil)
    /// Close as a duplicate of another ticket.
    case merge(into: String)
    /// Flag as supervised.
    case supervise(note: String)
    /// The hotline centre answers a pending ticket itself (直接答复), citing `knowledge`.
    case answer(text: String, knowledge: [String])
    /// The hotline centre urges the lead unit on (催办); `note` may say why.
    case urge(note: String?)

    /// The operation this command is, for the role table.
    public var operation: HotlineOperation {
        switch self {
        case .dispatch: .dispatch
        case .claim: .claim
        case .progress: .progress
        case .return: .return
        case .requestExtension: .requestExtension
        case .decideExtension: .decideExtension
        case .explainOverdue: .explainOverdue
        case .reply: .reply
        case .rate: .rate
        case .callback: .callback
        case .merge: .merge
        case .supervise: .supervise
        case .urge: .urge
        case .answer: .answer
        }
    }
}
