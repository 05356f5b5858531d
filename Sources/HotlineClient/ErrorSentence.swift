import HotlineCore
import Varlink

/// A Varlink error reply as a sentence that says what happened and what to do, with the exit
/// status for it.
public struct ErrorSentence: Sendable, Hashable {
    /// The sentence (one line, no trailing period).
    public var text: String
    /// The exit status.
    public var status: Int32

    /// Translates `reply`'s error for a call of `method` (e.g. `org.hotline.Dispatch.Return`)
    /// made by `uid`.
    public init(error name: String, parameters: [String: JSONValue], method: String, uid: UInt32) {
        let short = name.split(separator: ".").last.map(String.init) ?? name
        let member = method.split(separator: ".").last.map(String.init) ?? method
        func text(_ key: String) -> String { parameters[key]?.stringValue ?? "?" }
        switch short {
        case "NoSuchTicket":
            self.text = "no ticket \(text("id")) (or not one your unit handles); check the id, e.g. hotlinectl list"
            status = ExitStatus.notFound
        case "NoSuchUnit":
            self.text =
                "no unit \(text("unit")) is configured; use a unit id from the [[unit]] entries of hotlined.toml"
            status = ExitStatus.notFound
        case "InvalidTransition":
            let statusName = text("status")
            if let operation = HotlineOperation(method: member) {
                let allowed = TicketStatus.allCases.filter { Lifecycle.allowedStatuses(for: operation).contains($0) }
                let list = Self.orList(allowed.map(\.rawValue))
                let article = list.first.map { "aeiou".contains($0) } == true ? "an" : "a"
                self.text =
                    "ticket \(text("id")) is \(statusName); only \(article) \(list) ticket can \(Self.action(operation))"
                if member == "DecideExtension" { self.text += ", and only while an extension is pending" }
                if member == "Merge" { self.text += " (and never into itself or a closed ticket)" }
            } else {
                self.text = "ticket \(text("id")) is \(statusName); \(member) does not apply to it"
            }
            status = ExitStatus.conflict
        case "SubmissionConflict":
            let field =
                parameters["field"]?.stringValue.map { "a different \(Self.argument($0, of: member))" }
                ?? "different content"
            self.text =
                "this submission id was already used for ticket \(text("id")) with \(field); "
                + "give a new --submission-id for a new request (the same content repeats the old one)"
            status = ExitStatus.conflict
        case "NoSuchEntry" where method.hasPrefix(Self.knowledge):
            self.text =
                "no knowledge-base entry \(text("id")); hotlinectl knowledge search finds entries by their words"
            status = ExitStatus.notFound
        case "NoSuchEntry":
            self.text = "no knowledge-base entry \(text("id")) is in force; cite only entries in force"
            status = ExitStatus.notFound
        case "StaleVersion":
            let version = parameters["version"]?.plainText ?? "?"
            self.text =
                "entry \(text("id")) is at version \(version), not the one your change was made to, so nothing was "
                + "changed (someone else may have changed it); read it (hotlinectl knowledge show \(text("id"))), then update it with --version \(version)"
            status = ExitStatus.conflict
        case "NoSuchImport":
            self.text =
                "the import \(text("import")) is no longer open (committed, discarded or too old); import the file again"
            status = ExitStatus.notFound
        case "PermissionDenied" where method.hasPrefix(Self.knowledge):
            let changes = ["Add", "Update", "Retire", "Import"].contains(member)
            self.text =
                "permission denied: uid \(uid) may not \(changes ? "change" : "read") the knowledge base; "
                + (changes ? "only supervisors add, update and retire entries" : "ask the administrator for a role")
            status = ExitStatus.permission
        case "PermissionDenied":
            self.text =
                "permission denied: uid \(uid) may not \(HotlineOperation(method: member).map(Self.verb) ?? member); "
                + "ask the administrator to give this account the right role in hotlined.toml"
            status = ExitStatus.permission
        case "InvalidParameter":
            let parameter = text("parameter")
            if parameter == "message" {
                self.text = "the daemon could not read the request (not valid JSON or too large)"
            } else if let allowed = Self.allowedValues[parameter] {
                self.text =
                    "the daemon refused the value of \(Self.argument(parameter, of: member)); it takes \(Self.orList(allowed))"
            } else {
                self.text =
                    "the daemon refused the value of \(Self.argument(parameter, of: member)) (empty, too long or malformed); "
                    + "the command's --help says what it takes"
            }
            status = ExitStatus.usage
        case "StorageFailure" where member == "Backup":
            self.text = "no backup was made: \(text("reason"))"
            status = ExitStatus.temporary
        case "StorageFailure":
            self.text = "nothing was stored: \(text("reason"))"
            status = ExitStatus.temporary
        case "NotSupported":
            self.text = "this daemon does not do that: \(text("reason"))"
            status = ExitStatus.notSupported
        case "MethodNotFound", "InterfaceNotFound":
            self.text =
                "the daemon does not offer \(parameters["method"]?.stringValue ?? parameters["interface"]?.stringValue ?? method); "
                + "is hotlinectl newer than hotlined?"
            status = ExitStatus.notFound
        default:
            let details = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.plainText)" }.joined(
                separator: " "
            )
            self.text = "\(name)\(details.isEmpty ? "" : " " + details)"
            status = ExitStatus.failed
        }
    }

    /// The knowledge base's methods' prefix.
    static let knowledge = "org.hotline.Knowledge."

    /// The values an enumerated parameter takes, as the daemon spells them.
    static let allowedValues: [String: [String]] = [
        "priority": Priority.allCases.map(\.rawValue), "channel": SubmissionChannel.allCases.map(\.rawValue),
        "rating": Rating.allCases.map(\.rawValue), "outcome": CallbackOutcome.allCases.map(\.rawValue),
        "status": TicketStatus.allCases.map(\.rawValue),
    ]

    /// How hotlinectl's command for `member` takes the wire parameter `parameter`: the
    /// request text of Submit is an argument, `citizen.phone` is `--phone`, the rest are
    /// options of the same name.
    static func argument(_ parameter: String, of member: String) -> String {
        switch parameter {
        case "content" where member == "Submit": return "the request text"
        case "id": return "the ticket id"
        default: return "--" + kebab(String(parameter.split(separator: ".").last ?? Substring(parameter)))
        }
    }

    static func action(_ operation: HotlineOperation) -> String {
        switch operation {
        case .dispatch: "be dispatched"
        case .claim: "be claimed"
        case .progress: "take a progress report"
        case .return: "be returned"
        case .requestExtension: "ask for an extension"
        case .decideExtension: "have its extension decided"
        case .explainOverdue: "take an explanation"
        case .reply: "be replied to"
        case .rate: "be rated"
        case .callback: "be called back"
        case .merge: "be merged"
        case .supervise: "be supervised"
        case .urge: "be urged"
        case .answer: "be answered by the centre"
        default: "take this"
        }
    }

    static func verb(_ operation: HotlineOperation) -> String {
        switch operation {
        case .submit: "submit tickets"
        case .get: "read this ticket"
        case .list: "list tickets"
        case .search: "search tickets"
        case .stats: "read the figures"
        case .watch: "watch notices"
        case .setTime: "set the clock"
        case .requestExtension: "ask for extensions"
        case .decideExtension: "decide extensions"
        case .explainOverdue: "explain overdue tickets"
        case .dispatch: "dispatch tickets"
        case .claim: "claim tickets"
        case .progress: "report progress"
        case .return: "return tickets"
        case .reply: "reply to tickets"
        case .rate: "record ratings"
        case .callback: "record call-backs"
        case .merge: "merge tickets"
        case .supervise: "supervise tickets"
        case .urge: "urge units"
        case .answer: "answer tickets"
        default: "do this"
        }
    }

    static func orList(_ items: [String]) -> String {
        switch items.count {
        case 0: ""
        case 1: items[0]
        default: items.dropLast().joined(separator: ", ") + " or " + items.last!
        }
    }

    /// `coUnits` → `co-units`.
    static func kebab(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase { result += "-" + character.lowercased() } else { result.append(character) }
        }
        return result
    }
}

extension JSONValue {
    /// The value as a person reads it: strings bare, null as `-`, booleans yes/no.
    public var plainText: String {
        switch self {
        case .string(let s): s
        case .null: "-"
        case .bool(let b): b ? "yes" : "no"
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .array(let items): items.map(\.plainText).joined(separator: ", ")
        case .object(let fields):
            fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.plainText)" }.joined(separator: " ")
        }
    }
}
