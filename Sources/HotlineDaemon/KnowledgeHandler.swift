import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore
import HotlineSystemd
import Logging
import Varlink

/// `org.hotline.Knowledge`: the centre's knowledge base. Decodes the parameters, checks the
/// caller's role (every role reads, supervisors and admin change), has the store commit, and
/// logs each change with its message id (ids and versions only: an entry's text is the
/// centre's, but the journal is for operations).
struct KnowledgeHandler: InterfaceHandler {
    let name = KnowledgeInterface.name
    let description = KnowledgeInterface.description

    let store: any TicketStore
    let configuration: ConfigurationBox
    let clock: DaemonClock
    let logger: Logger

    /// The most entries one `Import` call may carry (the 1 MiB message holds fewer anyway).
    static let maximumImportBatch = 10_000

    func answer(_ call: VarlinkCall, from caller: Caller) async throws -> [String: JSONValue] {
        do {
            return try await respond(call, from: caller)
        } catch HotlineError.noSuchEntry(let id) {
            // The entry itself is missing (Dispatch's NoSuchEntry is about citing one).
            throw VarlinkError(
                name: name + ".NoSuchEntry",
                parameters: ["id": .string(id)],
                reason: "no knowledge-base entry \(id)"
            )
        }
    }

    private func respond(_ call: VarlinkCall, from caller: Caller) async throws -> [String: JSONValue] {
        let timeZone = configuration.current.calendar.timeZone
        switch call.member {
        case "Add":
            try require(.edit, caller)
            let r = try ParameterReader(call.parameters, allowed: KnowledgeRequests.draftParameters)
            let entry = try await store.addEntry(KnowledgeRequests.draft(r), by: caller.uid, at: clock.now())
            logChange("knowledge entry added", entry, caller)
            return ["entry": entry.wireValue(in: timeZone)]

        case "Update":
            try require(.edit, caller)
            let r = try ParameterReader(
                call.parameters,
                allowed: KnowledgeRequests.draftParameters.union(["id", "version"])
            )
            let id = try KnowledgeRequests.entryID(r)
            guard let version = try r.optionalInt("version", in: 1...Int(Int32.max)) else {
                throw VarlinkError.invalidParameter("version", reason: "missing: the version the change was made to")
            }
            let edit = try KnowledgeRequests.edit(r)
            let entry = try await store.updateEntry(id, version: version, edit, by: caller.uid, at: clock.now())
            logChange("knowledge entry updated", entry, caller)
            return ["entry": entry.wireValue(in: timeZone)]

        case "Retire":
            try require(.edit, caller)
            let r = try ParameterReader(call.parameters, allowed: ["id", "note"])
            let id = try KnowledgeRequests.entryID(r)
            let note = try r.string("note", maxLength: Requests.maximumTextLength)
            let entry = try await store.retireEntry(id, note: note, by: caller.uid, at: clock.now())
            logChange("knowledge entry retired", entry, caller)
            return ["entry": entry.wireValue(in: timeZone)]

        case "Get":
            try require(.read, caller)
            let id = try KnowledgeRequests.entryID(ParameterReader(call.parameters, allowed: ["id"]))
            let (entry, versions) = try await store.entry(id)
            return [
                "entry": entry.wireValue(in: timeZone),
                "versions": .array(versions.map { $0.wireValue(in: timeZone) }),
            ]

        case "Search":
            try require(.read, caller)
            let query = try KnowledgeRequests.query(call.parameters)
            let found = try await store.searchEntries(query, at: clock.now())
            return [
                "entries": .array(found.entries.map { $0.wireValue(in: timeZone) }),
                "total": .int(Int64(found.total)),
            ]

        case "Import":
            try require(.edit, caller)
            return try await importEntries(call, from: caller)

        default:
            throw VarlinkError.methodNotFound(call.method)
        }
    }

    /// One call of an import: stage its entries, commit when asked. A bad entry discards the
    /// import it belongs to, so that nothing of a bad file is ever stored.
    private func importEntries(_ call: VarlinkCall, from caller: Caller) async throws -> [String: JSONValue] {
        let r = try ParameterReader(call.parameters, allowed: ["import", "entries", "commit"])
        let importID = try r.optionalString("import", maxLength: 64)
        let commit = try r.optionalBool("commit") ?? false
        let drafts: [KnowledgeDraft]
        do {
            drafts = try Self.drafts(call.parameters["entries"])
        } catch {
            if let importID { try await store.discardImport(importID) }
            throw error
        }
        let now = clock.now()
        let (id, staged) = try await store.stageImport(importID, drafts, by: caller.uid, at: now)
        var added = 0
        if commit {
            added = try await store.commitImport(id, by: caller.uid)
            logger.notice(
                "knowledge entries imported",
                metadata: [
                    "import": "\(id)", "added": "\(added)", "actor_uid": "\(caller.uid)",
                    MessageID.metadataKey: "\(MessageID.knowledgeChanged.rawValue)",
                ]
            )
        }
        return ["import": .string(id), "staged": .int(Int64(staged)), "added": .int(Int64(added))]
    }

    /// The entries of an `Import` call; a bad one is `InvalidParameter` naming it by index.
    static func drafts(_ value: JSONValue?) throws(VarlinkError) -> [KnowledgeDraft] {
        guard let value, value != .null else { throw .invalidParameter("entries", reason: "missing") }
        guard let array = value.arrayValue else { throw .invalidParameter("entries", reason: "not an array") }
        guard array.count <= maximumImportBatch else {
            throw .invalidParameter(
                "entries",
                reason: "more than \(maximumImportBatch) in one call; send the rest in the next"
            )
        }
        var drafts: [KnowledgeDraft] = []
        drafts.reserveCapacity(array.count)
        for (index, element) in array.enumerated() {
            let field = "entries[\(index)]"
            guard let object = element.objectValue else { throw .invalidParameter(field, reason: "not an object") }
            do {
                drafts.append(
                    try KnowledgeRequests.draft(ParameterReader(object, allowed: KnowledgeRequests.draftParameters))
                )
            } catch {
                let inner = error.parameters["parameter"]?.stringValue ?? "?"
                throw .invalidParameter("\(field).\(inner)", reason: error.reason)
            }
        }
        return drafts
    }

    private func require(_ access: KnowledgeAccess, _ caller: Caller) throws(VarlinkError) {
        guard caller.role.may(access) else { throw .permissionDenied }
    }

    private func logChange(_ message: Logger.Message, _ entry: KnowledgeEntry, _ caller: Caller) {
        logger.notice(
            message,
            metadata: [
                "entry": "\(entry.id)", "version": "\(entry.version)", "actor_uid": "\(caller.uid)",
                MessageID.metadataKey: "\(MessageID.knowledgeChanged.rawValue)",
            ]
        )
    }
}
