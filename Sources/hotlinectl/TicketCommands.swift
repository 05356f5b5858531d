import ArgumentParser
import Foundation
import HotlineClient
import Varlink

/// Sends one ticket-changing call and prints the ticket's new state on one line.
func change(_ global: GlobalOptions, _ member: String, _ id: String, _ parameters: [String: JSONValue] = [:]) throws {
    var p = parameters
    p["id"] = .string(id)
    let reply = try Client(options: global).call("org.hotline.Dispatch." + member, p)
    guard !global.json, let ticket = reply["ticket"] else { return }
    print(global.text.summary(ticket))
}

/// A comma-separated or repeated list option, flattened.
func flattened(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
}

/// `hotlinectl dispatch`.
struct Dispatch: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Send a ticket to the unit that handles it (operators).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ticket id.") var id: String
    @Option(help: "The lead unit's id.") var unit: String
    @Option(name: .customLong("co-units"), help: "Co-handling units (comma-separated or repeated).") var coUnits:
        [String] = []
    @Option(help: "A note for the unit; - reads standard input.") var note: String?

    func run() throws {
        var p: [String: JSONValue] = ["unit": .string(unit)]
        if !coUnits.isEmpty { p["coUnits"] = .array(flattened(coUnits).map(JSONValue.string)) }
        if let note { p["note"] = .string(textArgument(note)) }
        try change(global, "Dispatch", id, p)
    }
}

/// `hotlinectl claim`.
struct Claim: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Claim a ticket dispatched to your unit (签收).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ticket id.") var id: String
    func run() throws { try change(global, "Claim", id) }
}

/// `hotlinectl progress`.
struct Progress: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report progress on a ticket (a long-term item's phase report)."
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ticket id.") var id: String
    @Option(help: "What was done; - reads standard input.") var note: String
    func run() throws { try change(global, "Progress", id, ["note": .string(textArgument(note))]) }
}

/// `hotlinectl return`.
struct Return: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Return a wrongly dispatched ticket to the hotline centre (退单)."
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ticket id.") var id: String
    @Option(help: "Why it is not your unit's; - reads standard input.") var reason: String
    func run() throws { try change(global, "Return", id, ["reason": .string(textArgument(reason))]) }
}

/// `hotlinectl extend`.
struct Extend: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Ask for an extension (a supervisor decides).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ticket id.") var id: String
    @Option(help: "Why more time is needed; - reads standard input.") var reason: String
    @Option(help: "The new due time asked for (RFC 3339).") var until: String?
    @Flag(name: .customLong("long-term"), help: "Make it a long-term item with phase reports instead.") var longTerm =
        false

    func run() throws {
        var p: [String: JSONValue] = ["reason": .string(textArgument(reason))]
        if let until { p["until"] = .string(until) }
        if longTerm { p["longTerm"] = true }
        try change(global, "RequestExtension", id, p)
    }
}

/// `hotlinectl decide-extension`.
struct DecideExtension: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Approve or reject a pending extension (supervisors).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ticket id.") var id: String
    @Flag(exclusivity: .exclusive, help: "The decision.") var decision: Decision
    @Option(help: "A note for the unit; - reads standard input.") var note: String?

    enum Decision: String, EnumerableFlag {
        case approve, reject
    }

    func run() throws {
        var p: [String: JSONValue] = ["approve": .bool(decision == .approve)]
        if let note { p["note"] = .string(textArgument(note)) }
        try change(global, "DecideExtension", id, p)
    }
}

/// `hotlinectl explain`.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Explain why a ticket went overdue (超期说明).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ticket id.") var id: String
    @Option(help: "The explanation; - reads standard input.") var reason: String
    func run() throws { try change(global, "ExplainOverdue", id, ["reason": .string(textArgument(reason))]) }
}

/// `hotlinectl reply`.
struct Reply: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Reply with the result of handling (办结).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ticket id.") var id: String
    @Option(help: "What was done and the outcome; - reads standard input.") var result: String
    func run() throws { try change(global, "Reply", id, ["result": .string(textArgument(result))]) }
}

/// `hotlinectl rate`.
struct Rate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record the citizen's rating (好差评); a bad one starts a call-back."
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ticket id.") var id: String
    @Option(help: "very_satisfied, satisfied, basic or dissatisfied.") var rating: String
    @Flag(inversion: .prefixedNo, help: "Whether the citizen says the problem was solved.") var solved: Bool
    @Option(help: "The citizen's comment; - reads standard input.") var comment: String?

    func run() throws {
        var p: [String: JSONValue] = ["rating": .string(rating), "solved": .bool(solved)]
        if let comment { p["comment"] = .string(textArgument(comment)) }
        try change(global, "Rate", id, p)
    }
}

/// `hotlinectl callback`.
struct Callback: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Record the call-back after a bad rating (回访).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ticket id.") var id: String
    @Option(help: "rectify (reopens it for the unit), explained or unreachable.") var outcome: String
    @Option(help: "What the citizen said; - reads standard input.") var note: String
    @Option(help: "With rectify on a ticket the centre answered: the unit that rectifies it.") var unit: String?
    func run() throws {
        var p: [String: JSONValue] = ["outcome": .string(outcome), "note": .string(textArgument(note))]
        if let unit { p["unit"] = .string(unit) }
        try change(global, "Callback", id, p)
    }
}

/// `hotlinectl merge`.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Close a ticket as a duplicate of another.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The duplicate ticket's id.") var id: String
    @Option(help: "The ticket it duplicates.") var into: String
    func run() throws { try change(global, "Merge", id, ["into": .string(into)]) }
}

/// `hotlinectl supervise`.
struct Supervise: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Put a ticket under supervision (督办).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ticket id.") var id: String
    @Option(help: "The instruction; - reads standard input.") var note: String
    func run() throws { try change(global, "Supervise", id, ["note": .string(textArgument(note))]) }
}

/// `hotlinectl urge`.
struct Urge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Urge the lead unit on (催办): the citizen called again, or it is taking too long (operators)."
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ticket id.") var id: String
    @Option(help: "Why, for the unit; - reads standard input.") var note: String?
    func run() throws {
        try change(global, "Urge", id, note.map { ["note": .string(textArgument($0))] } ?? [:])
    }
}

/// `hotlinectl answer`.
struct Answer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer a pending ticket at the centre (直接答复), without sending it to a unit (operators)."
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ticket id.") var id: String
    @Option(help: "The answer given to the citizen; - reads standard input.") var answer: String
    @Option(help: "Knowledge-base entries the answer relied on (comma-separated or repeated).")
    var knowledge: [String] = []
    func run() throws {
        var p: [String: JSONValue] = ["answer": .string(textArgument(answer))]
        if !knowledge.isEmpty { p["knowledge"] = .array(flattened(knowledge).map(JSONValue.string)) }
        try change(global, "Answer", id, p)
    }
}
