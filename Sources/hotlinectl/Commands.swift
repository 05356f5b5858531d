import ArgumentParser
import Foundation
import Varlink

/// `hotlinectl submit`: create a ticket.
struct Submit: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Submit a citizen's request; prints the id and where it went.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "hotline, mailbox, web or other.") var channel: String = "hotline"
    @Option(name: .customLong("submission-id"), help: "The idempotency key within the channel.") var submissionId: String
    @Option(help: "The request text; - reads standard input.") var content: String?
    @Option(name: .customLong("content-file"), help: "Read the request text from this file.") var contentFile: String?
    @Option var title: String?
    @Option var category: String?
    @Option(help: "normal or urgent.") var priority: String?
    @Option var name: String?
    @Option var phone: String?
    @Option var district: String?
    @Option var address: String?
    @Option(name: .customLong("received-at"), help: "RFC 3339 time.") var receivedAt: String?
    @Option(help: "RFC 3339 time.") var deadline: String?

    func run() throws {
        let text: String
        if let contentFile {
            text = try String(contentsOfFile: contentFile, encoding: .utf8)
        } else if let content {
            text = textArgument(content)
        } else {
            throw ValidationError("give --content TEXT, --content - or --content-file FILE")
        }
        var p: [String: JSONValue] = ["channel": .string(channel), "submissionId": .string(submissionId), "content": .string(text)]
        func put(_ key: String, _ value: String?) { if let value { p[key] = .string(value) } }
        put("title", title); put("category", category); put("priority", priority)
        put("receivedAt", receivedAt); put("deadline", deadline)
        if name != nil || phone != nil {
            p["citizen"] = .object(["name": name.map(JSONValue.string) ?? .null, "phone": phone.map(JSONValue.string) ?? .null])
        }
        if district != nil || address != nil {
            p["location"] = .object(["district": district.map(JSONValue.string) ?? .null, "address": address.map(JSONValue.string) ?? .null])
        }
        let reply = try Client(options: global).call("org.hotline.Dispatch.Submit", p)
        guard !global.json, let ticket = reply["ticket"] else { return }
        let id = ticket["id"]?.stringValue ?? "?"
        let unit = ticket["unit"]?.stringValue ?? "pending"
        let created = reply["created"]?.boolValue ?? true
        print("\(id)\t\(unit)\(created ? "" : "\t(already submitted)")")
        if let duplicates = reply["possibleDuplicates"]?.arrayValue, !duplicates.isEmpty {
            print("possible duplicates: " + duplicates.compactMap(\.stringValue).joined(separator: " "))
        }
    }
}

/// `hotlinectl show ID`: a ticket and its history.
struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a ticket and its history.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The ticket id.") var id: String

    func run() throws {
        let reply = try Client(options: global).call("org.hotline.Dispatch.Get", ["id": .string(id)])
        guard !global.json, let ticket = reply["ticket"]?.objectValue else { return }
        for key in ["id", "status", "priority", "channel", "unit", "category", "title", "receivedAt", "claimBy", "dueBy",
                    "callbackBy", "overdue", "supervised", "rating", "closedAs"] {
            print("\(key.padding(toLength: 12, withPad: " ", startingAt: 0)) \(Client.plain(ticket[key] ?? .null))")
        }
        if let citizen = ticket["citizen"] {
            print("citizen      \(Client.plain(citizen["name"] ?? .null)) \(Client.plain(citizen["phone"] ?? .null))")
        }
        print("\n\(Client.plain(ticket["content"] ?? .null))\n")
        for event in reply["events"]?.arrayValue ?? [] {
            let line = ["at", "kind", "role", "unit", "note"].map { Client.plain(event[$0] ?? .null) }.joined(separator: "  ")
            print(line)
        }
    }
}

/// `hotlinectl list`: a page of tickets.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List tickets.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only these statuses (repeatable).") var status: [String] = []
    @Option var unit: String?
    @Flag(help: "Only overdue tickets.") var overdue = false
    @Flag(help: "Only supervised tickets.") var supervised = false
    @Option var limit: Int?
    @Option var after: String?

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
        for ticket in reply["tickets"]?.arrayValue ?? [] {
            print(["id", "status", "unit", "dueBy", "title"].map { Client.plain(ticket[$0] ?? .null) }.joined(separator: "\t"))
        }
        if let next = reply["next"]?.stringValue { print("more: --after \(next)") }
    }
}

/// `hotlinectl status`: the daemon's health.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the daemon's version and ticket counts.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let reply = try Client(options: global).call("org.hotline.Dispatch.Status")
        guard !global.json else { return }
        for key in ["version", "uptimeSeconds", "open", "pending", "overdue", "callbacksDue"] {
            print("\(key): \(Client.plain(reply[key] ?? .null))")
        }
    }
}

/// `hotlinectl info`: GetInfo, or an interface's description.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the service information, or an interface's description.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "An interface name, e.g. org.hotline.Dispatch.") var interface: String?

    func run() throws {
        if let interface {
            let reply = try Client(options: global).call("org.varlink.service.GetInterfaceDescription", ["interface": .string(interface)])
            if !global.json { print(reply["description"]?.stringValue ?? "") }
        } else {
            let reply = try Client(options: global).call("org.varlink.service.GetInfo")
            if !global.json {
                for key in ["vendor", "product", "version", "url"] { print("\(key): \(Client.plain(reply[key] ?? .null))") }
                print("interfaces: " + (reply["interfaces"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ", "))
            }
        }
    }
}

/// `hotlinectl call METHOD [JSON]`: any method with raw parameters; prints the raw reply.
struct Call: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Call any method with JSON parameters and print the raw reply.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The fully qualified method, e.g. org.hotline.Dispatch.Get.") var method: String
    @Argument(help: "The parameters as a JSON object; - reads standard input.") var parameters: String = "{}"

    func run() throws {
        let text = textArgument(parameters)
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), let object = value.objectValue else {
            throw ValidationError("the parameters must be a JSON object")
        }
        var options = global
        options.json = true
        _ = try Client(options: options).call(method, object)
    }
}
