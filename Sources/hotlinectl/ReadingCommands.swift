import ArgumentParser
import Foundation
import HotlineClient
import Varlink

/// `hotlinectl submit`: create a ticket.
struct Submit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Submit a call or a letter; prints the ticket id and the unit it went to (or pending)."
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "hotline, mailbox, web or other.") var channel: String = "hotline"
    @Option(
        name: .customLong("submission-id"),
        help: "The idempotency key within the channel (the call or letter number)."
    )
    var submissionId: String
    @Argument(help: "The request text; - reads standard input.") var content: String?
    @Option(name: .customLong("content-file"), help: "Read the request text from this file (a mailbox letter).")
    var contentFile: String?
    @Option(help: "A short title.") var title: String?
    @Option(help: "The category (routes the ticket).") var category: String?
    @Option(help: "normal or urgent.") var priority: String?
    @Option(help: "The citizen's name.") var name: String?
    @Option(help: "The citizen's phone.") var phone: String?
    @Option(help: "The district.") var district: String?
    @Option(help: "The address.") var address: String?
    @Option(name: .customLong("received-at"), help: "When the call came in (RFC 3339).") var receivedAt: String?
    @Option(help: "A deadline set by the request itself (RFC 3339).") var deadline: String?
    @Option(
        help: "The answer given on the call (直接答复): the ticket is created replied, not routed; - reads standard input."
    )
    var answer: String?
    @Option(help: "Knowledge-base entries the answer relied on (comma-separated or repeated).")
    var knowledge: [String] = []

    func validate() throws {
        if (content == nil) == (contentFile == nil) {
            throw ValidationError("give the request text as an argument (- for standard input) or --content-file FILE")
        }
        if answer == nil, !knowledge.isEmpty { throw ValidationError("--knowledge cites the entries of an --answer") }
        if answer == "-", content == "-" { throw ValidationError("only one of the request text and --answer can be -") }
    }

    func run() throws {
        let text =
            try contentFile.map { try String(contentsOfFile: $0, encoding: .utf8) } ?? textArgument(content ?? "-")
        var p: [String: JSONValue] = [
            "channel": .string(channel), "submissionId": .string(submissionId), "content": .string(text),
        ]
        func put(_ key: String, _ value: String?) { if let value { p[key] = .string(value) } }
        put("title", title)
        put("category", category)
        put("priority", priority)
        put("receivedAt", receivedAt)
        put("deadline", deadline)
        if let answer { p["answer"] = .string(textArgument(answer)) }
        if !knowledge.isEmpty { p["knowledge"] = .array(flattened(knowledge).map(JSONValue.string)) }
        if name != nil || phone != nil {
            p["citizen"] = .object([
                "name": name.map(JSONValue.string) ?? .null, "phone": phone.map(JSONValue.string) ?? .null,
            ])
        }
        if district != nil || address != nil {
            p["location"] = .object([
                "district": district.map(JSONValue.string) ?? .null, "address": address.map(JSONValue.string) ?? .null,
            ])
        }
        let reply = try Client(options: global).call("org.hotline.Dispatch.Submit", p)
        guard !global.json, let ticket = reply["ticket"] else { return }
        let shown = global.text
        let unit =
            ticket["unit"]?.stringValue.map { shown.unit($0) }
            ?? (ticket["answeredBy"] == "centre"
                ? "answered by the centre (rating by \(TimeText.local(ticket["ratingBy"]?.stringValue ?? "")))"
                : shown.style.yellow("pending (no route matched; an operator dispatches it)"))
        let created = reply["created"]?.boolValue ?? true
        print(
            "\(ticket["id"]?.stringValue ?? "?")  \(unit)\(created ? "" : "  (already submitted: this is the earlier ticket)")"
        )
        if let duplicates = reply["possibleDuplicates"]?.arrayValue, !duplicates.isEmpty {
            print(
                "possible duplicates (same phone and category, 30 days): "
                    + duplicates.compactMap(\.stringValue).joined(separator: " ")
            )
        }
    }
}

/// `hotlinectl show ID`: a ticket and its history.
struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a ticket, its deadlines and its history.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ticket id.") var id: String

    func run() throws {
        let reply = try Client(options: global).call("org.hotline.Dispatch.Get", ["id": .string(id)])
        guard !global.json, let ticket = reply["ticket"] else { return }
        print(global.text.show(ticket, events: reply["events"]?.arrayValue ?? []), terminator: "")
    }
}

/// `hotlinectl list`: a page of tickets.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List tickets, oldest first, with their deadlines.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this status (repeatable): pending, dispatched, claimed, replied, callback, reopened, closed.")
    var status: [String] = []
    @Option(help: "Only tickets this unit leads or co-handles.") var unit: String?
    @Flag(help: "Only overdue tickets.") var overdue = false
    @Flag(help: "Only supervised tickets.") var supervised = false
    @Option(help: "At most this many (1–1000, default 100).") var limit: Int?
    @Option(help: "The page after this ticket id (printed at the end of the previous page).") var after: String?

    func run() throws {
        var p: [String: JSONValue] = [:]
        if !status.isEmpty { p["status"] = .array(status.map(JSONValue.string)) }
        if let unit { p["unit"] = .string(unit) }
        if overdue { p["overdue"] = true }
        if supervised { p["supervised"] = true }
        if let limit { p["limit"] = .int(Int64(limit)) }
        if let after { p["after"] = .string(after) }
        let reply = try Client(options: global).call("org.hotline.Dispatch.List", p)
        guard !global.json else { return }
        print(global.text.list(reply["tickets"]?.arrayValue ?? [], next: reply["next"]?.stringValue), terminator: "")
    }
}

/// `hotlinectl search`: tickets by their words, the caller's phone and filters.
struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find tickets by their words, the caller's phone (来电弹屏) or filters, newest first."
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Words that must all occur in the title, content, address or answer (two characters or more each).")
    var text: String?
    @Option(help: "The caller's phone, in any writing (+86, spaces, dashes); operators and supervisors.")
    var phone: String?
    @Option(help: "The exact category.") var category: String?
    @Option(help: "The exact district.") var district: String?
    @Option(help: "Only tickets this unit leads or co-handles.") var unit: String?
    @Option(help: "Only this status (repeatable).") var status: [String] = []
    @Option(help: "hotline, mailbox, web or other.") var channel: String?
    @Option(help: "Received at or after (RFC 3339).") var from: String?
    @Option(help: "Received before (RFC 3339).") var to: String?
    @Option(help: "At most this many (1–200, default 20).") var limit: Int?
    @Option(help: "The page after this ticket id (printed at the end of the previous page).") var after: String?

    func validate() throws {
        if text == nil, phone == nil, category == nil, district == nil, unit == nil, status.isEmpty {
            throw ValidationError("give --text, --phone, --category, --district, --unit or --status")
        }
    }

    func run() throws {
        var p: [String: JSONValue] = [:]
        func put(_ key: String, _ value: String?) { if let value { p[key] = .string(value) } }
        put("text", text)
        put("phone", phone)
        put("category", category)
        put("district", district)
        put("unit", unit)
        put("channel", channel)
        put("from", from)
        put("to", to)
        put("after", after)
        if !status.isEmpty { p["status"] = .array(status.map(JSONValue.string)) }
        if let limit { p["limit"] = .int(Int64(limit)) }
        let reply = try Client(options: global).call("org.hotline.Dispatch.Search", p)
        guard !global.json else { return }
        let tickets = reply["tickets"]?.arrayValue ?? []
        var shown = global.text.list(tickets, next: nil)
        if let next = reply["next"]?.stringValue {
            shown += global.text.style.dim("more: hotlinectl search … --after \(next)") + "\n"
        }
        print(shown + "\(reply["total"]?.plainText ?? "0") found", terminator: "\n")
    }
}

/// `hotlinectl status`: the daemon's health.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the daemon's version, uptime, node, backend, clock role and ticket counts."
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let reply = try Client(options: global).call("org.hotline.Dispatch.Status")
        guard !global.json else { return }
        let style = global.text.style
        let uptime = TimeText.span(Double(reply["uptimeSeconds"]?.intValue ?? 0))
        print("hotlined \(reply["version"]?.plainText ?? "?"), up \(uptime)")
        if let node = reply["node"]?.stringValue, let backend = reply["backend"]?.stringValue,
            let clock = reply["clock"]?.stringValue
        {
            print("node \(node), \(backend), SLA clock: \(clock)")
        }
        let overdue = reply["overdue"]?.intValue ?? 0
        let callbacks = reply["callbacksDue"]?.intValue ?? 0
        let callbacksDue = "\(callbacks) callback\(callbacks == 1 ? "" : "s") due"
        print(
            "\(reply["open"]?.plainText ?? "?") open, \(reply["pending"]?.plainText ?? "?") pending, "
                + (overdue > 0 ? style.red("\(overdue) overdue") : "0 overdue") + ", "
                + (callbacks > 0 ? style.yellow(callbacksDue) : callbacksDue)
        )
    }
}

/// `hotlinectl info`: GetInfo, or an interface's description.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the service information, or an interface's description."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "An interface name, e.g. org.hotline.Dispatch.") var interface: String?

    func run() throws {
        if let interface {
            let reply = try Client(options: global).call(
                "org.varlink.service.GetInterfaceDescription",
                ["interface": .string(interface)]
            )
            if !global.json { print(reply["description"]?.stringValue ?? "") }
        } else {
            let reply = try Client(options: global).call("org.varlink.service.GetInfo")
            if !global.json {
                for key in ["vendor", "product", "version", "url"] { print("\(key): \(reply[key]?.plainText ?? "-")") }
                print(
                    "interfaces: "
                        + (reply["interfaces"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ", ")
                )
            }
        }
    }
}

/// `hotlinectl call METHOD [JSON]`: any method with raw parameters; prints the raw reply.
struct Call: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Call any method with JSON parameters and print the raw reply (errors too, with --raw-errors)."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The fully qualified method, e.g. org.hotline.Dispatch.Get.") var method: String
    @Argument(help: "The parameters as a JSON object; - reads standard input.") var parameters: String = "{}"
    @Flag(
        name: .customLong("raw-errors"),
        help: "Print an error reply as JSON on standard output too ({\"error\": …, \"parameters\": …})."
    )
    var rawErrors = false

    func run() throws {
        let text = textArgument(parameters)
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)),
            let object = value.objectValue
        else {
            throw ValidationError("the parameters must be a JSON object")
        }
        if rawErrors {
            let reply: VarlinkReply
            do {
                reply = try VarlinkConnection(path: global.socket).call(method, object)
            } catch {
                Client.unreachable(global.socket, error)
            }
            var printed: [String: JSONValue] = ["parameters": .object(reply.parameters)]
            if let error = reply.error { printed["error"] = .string(error) }
            print(Client.json(.object(printed)))
            if let name = reply.error {
                throw ExitCode(ErrorSentence(error: name, parameters: reply.parameters, method: method, uid: 0).status)
            }
            return
        }
        var options = global
        options.json = true
        try Client(options: options).call(method, object)
    }
}
