import ArgumentParser
import Foundation
import HotlineClient
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// `hotlinectl knowledge …`: the centre's knowledge base (知识库).
struct Knowledge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read, search and (supervisors) add, update, retire and import knowledge-base entries.",
        subcommands: [
            KnowledgeSearch.self, KnowledgeShow.self, KnowledgeAdd.self, KnowledgeUpdate.self, KnowledgeRetire.self,
            KnowledgeImport.self,
        ]
    )
}

/// The method names of `org.hotline.Knowledge`.
private func knowledge(_ member: String) -> String { "org.hotline.Knowledge." + member }

/// The fields an entry's commands share.
struct EntryFields: ParsableArguments {
    @Option(help: "What the entry answers.") var title: String?
    @Option(help: "The answer (- reads it from standard input).") var body: String?
    @Option(help: "The category (empty removes it on update).") var category: String?
    @Option(name: .customLong("keyword"), help: "A word it is found by (repeatable; replaces the list on update).")
    var keywords: [String] = []
    @Option(help: "In force until then (RFC 3339; empty removes it on update).") var validUntil: String?

    /// The fields given, as the method's parameters.
    var parameters: [String: JSONValue] {
        var p: [String: JSONValue] = [:]
        if let title { p["title"] = .string(title) }
        if let body { p["body"] = .string(textArgument(body)) }
        if let category { p["category"] = .string(category) }
        if !keywords.isEmpty { p["keywords"] = .array(keywords.map(JSONValue.string)) }
        if let validUntil { p["validUntil"] = .string(validUntil) }
        return p
    }
}

/// `hotlinectl knowledge search WORDS…`.
struct KnowledgeSearch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find entries holding every word (title matches first, then the most used)."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Words of two characters or more.") var words: [String]
    @Option(help: "Only this category.") var category: String?
    @Option(help: "At most this many (1–100, default 20).") var limit: Int?
    @Flag(help: "Retired and expired entries too.") var includeRetired = false

    func run() throws {
        var p: [String: JSONValue] = ["text": .string(words.joined(separator: " "))]
        if let category { p["category"] = .string(category) }
        if let limit { p["limit"] = .int(Int64(limit)) }
        if includeRetired { p["includeRetired"] = .bool(true) }
        let reply = try Client(options: global).call(knowledge("Search"), p)
        guard !global.json else { return }
        let searched = words.flatMap { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
        print(
            global.text.entries(
                reply["entries"]?.arrayValue ?? [],
                total: reply["total"],
                words: searched,
                width: terminalWidth()
            ),
            terminator: ""
        )
    }
}

/// `hotlinectl knowledge show ID`.
struct KnowledgeShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show an entry and every earlier version."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The entry id, e.g. K000042.") var id: String

    func run() throws {
        let reply = try Client(options: global).call(knowledge("Get"), ["id": .string(id)])
        guard !global.json, let entry = reply["entry"] else { return }
        print(global.text.entry(entry, versions: reply["versions"]?.arrayValue ?? []), terminator: "")
    }
}

/// `hotlinectl knowledge add`.
struct KnowledgeAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add an entry (supervisors).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var fields: EntryFields

    func validate() throws {
        if fields.title == nil || fields.body == nil { throw ValidationError("give --title and --body") }
    }

    func run() throws {
        let reply = try Client(options: global).call(knowledge("Add"), fields.parameters)
        guard !global.json, let entry = reply["entry"] else { return }
        print("added \(entry["id"]?.plainText ?? "?") version \(entry["version"]?.plainText ?? "?")")
    }
}

/// `hotlinectl knowledge update ID --version N …`.
struct KnowledgeUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Make the next version of an entry (supervisors); refused when someone changed it since --version."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The entry id.") var id: String
    @Option(help: "The version you read and changed (knowledge show prints it).") var version: Int
    @OptionGroup var fields: EntryFields

    func run() throws {
        var p = fields.parameters
        p["id"] = .string(id)
        p["version"] = .int(Int64(version))
        let reply = try Client(options: global).call(knowledge("Update"), p)
        guard !global.json, let entry = reply["entry"] else { return }
        print("updated \(entry["id"]?.plainText ?? "?") to version \(entry["version"]?.plainText ?? "?")")
    }
}

/// `hotlinectl knowledge retire ID --note …`.
struct KnowledgeRetire: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retire",
        abstract: "Withdraw an entry (supervisors): no longer offered nor citable; its versions stay."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The entry id.") var id: String
    @Option(help: "Why it is withdrawn.") var note: String

    func run() throws {
        let reply = try Client(options: global).call(knowledge("Retire"), ["id": .string(id), "note": .string(note)])
        guard !global.json, let entry = reply["entry"] else { return }
        print("retired \(entry["id"]?.plainText ?? "?") (version \(entry["version"]?.plainText ?? "?"))")
    }
}

/// `hotlinectl knowledge import FILE`: CSV or JSON lines, all or nothing.
struct KnowledgeImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Add every entry of a CSV (title,body,category,keywords) or JSON-lines file as one change (supervisors).",
        discussion: """
            The whole file is one transaction: a bad row is named by its line and nothing is stored. CSV: a \
            header row, UTF-8, keywords separated by ';'. JSON lines: one object per line with title, body, \
            category, keywords (a list or a ';'-separated string) and validUntil.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The file (- for standard input).") var file: String

    /// The most bytes of entries one call carries, well inside the 1 MiB message limit.
    static let batchBytes = 768 * 1024

    func run() throws {
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let read = FileManager.default.contents(atPath: file) else {
                Client.fail("cannot read \(file)", status: ExitStatus.usage)
            }
            data = read
        }
        guard let text = String(data: data, encoding: .utf8) else {
            Client.fail("\(file) is not UTF-8 text; save it as UTF-8", status: ExitStatus.usage)
        }
        let rows: [KnowledgeFile.Row]
        do {
            rows = try KnowledgeFile(text: text).rows
        } catch {
            Client.fail("\(file): \(error); nothing was imported", status: ExitStatus.usage)
        }
        guard !rows.isEmpty else {
            Client.fail("\(file) holds no entries; nothing was imported", status: ExitStatus.usage)
        }
        let connection: VarlinkConnection
        do {
            connection = try VarlinkConnection(path: global.socket)
        } catch {
            Client.unreachable(global.socket, error)
        }
        var importID: String?
        var start = 0
        var added = 0
        while start < rows.count {
            var end = start
            var bytes = 0
            while end < rows.count, end - start < 10_000 {
                let size = Client.json(rows[end].entry).utf8.count
                if end > start, bytes + size > Self.batchBytes { break }
                bytes += size
                end += 1
            }
            var p: [String: JSONValue] = ["entries": .array(rows[start..<end].map(\.entry))]
            if let importID { p["import"] = .string(importID) }
            if end == rows.count { p["commit"] = .bool(true) }
            let reply: VarlinkReply
            do {
                reply = try connection.call(knowledge("Import"), p)
            } catch {
                Client.unreachable(global.socket, error)
            }
            if let name = reply.error {
                refuse(name, reply.parameters, rows: rows, offset: start)
            }
            importID = reply.parameters["import"]?.stringValue
            added = Int(reply.parameters["added"]?.numberValue ?? 0)
            start = end
        }
        if global.json {
            print(Client.json(.object(["import": .string(importID ?? ""), "added": .int(Int64(added))])))
        } else {
            print("imported \(added) entries from \(file)")
        }
    }

    /// Says why the daemon refused the import, naming the file's line for a bad entry.
    private func refuse(
        _ name: String,
        _ parameters: [String: JSONValue],
        rows: [KnowledgeFile.Row],
        offset: Int
    ) -> Never {
        if name.hasSuffix(".InvalidParameter"), let parameter = parameters["parameter"]?.stringValue,
            let match = parameter.wholeMatch(of: /entries\[(\d+)\]\.?(.*)/), let index = Int(match.1),
            offset + index < rows.count
        {
            let field = String(match.2)
            Client.fail(
                "\(file): line \(rows[offset + index].line): the daemon refused \(field.isEmpty ? "the entry" : "its \(field)") "
                    + "(empty, too long or malformed); nothing was imported",
                status: ExitStatus.usage
            )
        }
        let sentence = ErrorSentence(error: name, parameters: parameters, method: knowledge("Import"), uid: getuid())
        Client.fail(sentence.text + " (\(name)); nothing was imported", status: sentence.status)
    }
}

/// The terminal's width in columns: `COLUMNS`, else the terminal's own, else 100.
func terminalWidth() -> Int {
    if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 20 { return columns }
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
    return 100
}
