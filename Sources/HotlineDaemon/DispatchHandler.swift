import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore
import Logging
import Varlink

/// `org.hotline.Dispatch`: tickets, their history, search, the figures and the notice stream.
/// Decodes the parameters, checks the caller's role, lets the core decide, has the store
/// commit, then answers; after a commit it logs the events, publishes the notices and tells
/// the SLA clock of new deadlines.
struct DispatchHandler: InterfaceHandler {
    let name = DispatchInterface.name
    let description = DispatchInterface.description

    let store: any TicketStore
    let configuration: ConfigurationBox
    let clock: DaemonClock
    let logger: Logger
    let startedAt: Date
    let hub: NoticeHub
    let sweeper: Sweeper
    let leadership: ClockLeadership
    let wakeClock: @Sendable (Date) -> Void
    /// Writes `Backup`'s copies; nil on a database whose backups are its server's.
    let backups: BackupKeeper?

    func answer(_ call: VarlinkCall, from caller: Caller) async throws -> [String: JSONValue] {
        let config = configuration.current
        let timeZone = config.calendar.timeZone
        let masked = caller.role.unitID != nil
        let lifecycle = Lifecycle(configuration: config)
        switch call.member {
        case "Submit":
            try caller.require(.submit)
            let submission = try Requests.submission(call.parameters)
            let now = clock.now()
            if let received = submission.receivedAt, received > now.addingTimeInterval(300) {
                throw VarlinkError.invalidParameter("receivedAt", reason: "lies in the future")
            }
            let result = try await store.submit(submission, lifecycle: lifecycle, by: caller, at: now)
            if result.created {
                committed(
                    Transition(ticket: result.ticket, events: result.events, notices: result.notices),
                    by: caller,
                    at: now
                )
            }
            return [
                "ticket": result.ticket.wireValue(in: timeZone, masked: masked),
                "created": .bool(result.created),
                "possibleDuplicates": .array(result.possibleDuplicates.map(JSONValue.string)),
            ]

        case "Get":
            try caller.require(.get)
            let id = try Requests.ticketID(ParameterReader(call.parameters, allowed: ["id"]))
            let (ticket, events) = try await store.ticket(id, visibleTo: caller)
            return [
                "ticket": ticket.wireValue(in: timeZone, masked: masked),
                "events": .array(events.map { $0.wireValue(in: timeZone) }),
            ]

        case "Search":
            try caller.require(.search)
            let query = try Self.searchQuery(call.parameters)
            // The caller's history by phone is the centre's: a unit may not look a citizen up.
            if query.phoneDigits != nil, caller.role.unitID != nil { throw VarlinkError.permissionDenied }
            let found = try await store.search(query, visibleTo: caller)
            return [
                "tickets": .array(found.tickets.map { $0.wireValue(in: timeZone, masked: masked) }),
                "total": .int(Int64(found.total)),
                "next": found.next.map(JSONValue.string) ?? .null,
            ]

        case "List":
            try caller.require(.list)
            let r = try ParameterReader(
                call.parameters,
                allowed: ["status", "unit", "overdue", "supervised", "limit", "after"]
            )
            var query = TicketQuery()
            for raw in try r.optionalStrings("status", maxLength: 20, maxCount: 10) ?? [] {
                guard let status = TicketStatus(rawValue: raw) else {
                    throw VarlinkError.invalidParameter("status", reason: "unknown value \(raw)")
                }
                query.statuses.append(status)
            }
            query.unit = try r.optionalString("unit", maxLength: 64)
            query.overdue = try r.optionalBool("overdue")
            query.supervised = try r.optionalBool("supervised")
            query.limit = try r.optionalInt("limit", in: 1...TicketQuery.maximumLimit) ?? TicketQuery.defaultLimit
            query.after = try r.optionalString("after", maxLength: 64)
            let page = try await store.list(query, visibleTo: caller)
            var reply: [String: JSONValue] = [
                "tickets": .array(page.tickets.map { $0.wireValue(in: timeZone, masked: masked) })
            ]
            reply["next"] = page.next.map(JSONValue.string) ?? .null
            return reply

        case "Stats":
            try caller.require(.stats)
            let r = try ParameterReader(call.parameters, allowed: ["from", "to"])
            let from = try r.date("from")
            let to = try r.date("to")
            guard from < to else { throw VarlinkError.invalidParameter("to", reason: "must be later than from") }
            var units = config.units.map(\.id)
            if let own = caller.role.unitID { units = [own] }
            let figures = try await store.figures(from: from, to: to, units: units)
            var rows = figures.units
            if let own = caller.role.unitID { rows = rows.filter { $0.unit == own } }
            var total = UnitStats(unit: "total")
            for row in rows { total.add(row) }
            let weights = config.statsWeights
            return [
                "units": .array(UnitStats.ranked(rows, weights: weights).map { $0.wireValue(weights: weights) }),
                "total": total.wireValue(weights: weights),
                "weights": weights.wireValue,
                // The centre's figures are the centre's: a unit gets its own row only.
                "centre": caller.role.unitID == nil ? figures.centre.wireValue : .null,
            ]

        case "Hotspots":
            try caller.require(.hotspots)
            let r = try ParameterReader(call.parameters, allowed: ["from", "to", "by", "limit"])
            let from = try r.date("from")
            let to = try r.date("to")
            guard from < to else { throw VarlinkError.invalidParameter("to", reason: "must be later than from") }
            let by: HotspotKey = try r.enumValue("by")
            let limit = try r.optionalInt("limit", in: 1...100) ?? 10
            let found = try await store.hotspots(from: from, to: to, by: by, limit: limit)
            return ["rows": .array(found.rows.map(\.wireValue)), "total": .int(Int64(found.total))]

        case "Status":
            _ = try ParameterReader(call.parameters, allowed: [])
            let counts = try await store.statusCounts()
            return [
                "version": .string(HotlineVersion.current),
                "uptimeSeconds": .int(Int64(Date().timeIntervalSince(startedAt))),
                "open": .int(Int64(counts.open)), "pending": .int(Int64(counts.pending)),
                "overdue": .int(Int64(counts.overdue)), "callbacksDue": .int(Int64(counts.callbacksDue)),
                "node": .string(leadership.holder.node), "backend": .string(store.backend.rawValue),
                "clock": .string(leadership.role.rawValue),
            ]

        case "Backup":
            try caller.require(.backup)
            _ = try ParameterReader(call.parameters, allowed: [])
            guard let backups else {
                throw HotlineError.notSupported(
                    reason: "Backup copies an SQLite database; a PostgreSQL database's backups are the server's own "
                        + "(pg_basebackup, or pg_dump of this database)"
                )
            }
            let copy: BackupCopy
            do {
                copy = try await backups.backup(into: config.daemon.backupFolder, keeping: config.daemon.backupsKept)
            } catch let error as BackupError {
                throw HotlineError.storageFailure(error.description)
            }
            return [
                "path": .string(copy.path), "bytes": .int(Int64(copy.bytes)), "sha256": .string(copy.sha256),
                "tickets": .int(Int64(copy.tickets)),
            ]

        default:
            guard let operation = HotlineOperation(method: call.member),
                HotlineOperation.ticketChanges.contains(operation)
            else {
                throw VarlinkError.methodNotFound(call.method)
            }
            try caller.require(operation)
            guard let (id, command) = try Requests.command(call.member, call.parameters) else {
                throw VarlinkError.methodNotFound(call.method)
            }
            let now = clock.now()
            let transition = try await store.apply(command, to: id, lifecycle: lifecycle, by: caller, at: now)
            committed(transition, by: caller, at: now)
            return ["ticket": transition.ticket.wireValue(in: timeZone, masked: masked)]
        }
    }

    /// The notice stream of `caller` (`Watch` with `more: true`).
    func watch(_ call: VarlinkCall, from caller: Caller) throws(VarlinkError) -> CallHandler.Response {
        try caller.require(.watch)
        _ = try ParameterReader(call.parameters, allowed: [])
        guard call.more else {
            throw VarlinkError(
                name: "org.varlink.service.ExpectedMore",
                reason: "Watch streams: call it with more: true"
            )
        }
        let notices = hub.subscribe(role: caller.role, uid: caller.uid)
        let timeZone = configuration.current.calendar.timeZone
        logger.info("watcher connected", metadata: ["uid": "\(caller.uid)", "role": "\(caller.role.kind.rawValue)"])
        return .stream(notices) { notice in
            VarlinkReply(parameters: ["notice": notice.wireValue(in: timeZone)], continues: true)
        }
    }

    /// After a commit: log the events, send the notices, tell the clock of new deadlines.
    private func committed(_ transition: Transition, by caller: Caller, at now: Date) {
        for event in transition.events {
            TicketLog.event(event, of: transition.ticket, actorUid: caller.uid, logger: logger)
        }
        hub.committed(transition.notices)
        sweeper.checkCalendarCoverage(of: transition.ticket, at: now)
        let warnAt = configuration.current.sla.warnAt
        if let earliest = transition.ticket.runningDeadlines(warnFraction: warnAt).compactMap(\.nextCheck).min() {
            wakeClock(earliest)
        }
    }

    /// `Search`'s parameters (contract §9) as a store query.
    static func searchQuery(_ parameters: [String: JSONValue]) throws(VarlinkError) -> SearchQuery {
        let r = try ParameterReader(
            parameters,
            allowed: [
                "text", "phone", "category", "district", "unit", "status", "channel", "from", "to", "limit", "after",
            ]
        )
        var query = SearchQuery()
        if let text = try r.optionalString("text", maxLength: Requests.maximumFieldLength) {
            guard let words = SearchTerms.words(text) else {
                throw .invalidParameter("text", reason: "every word needs two characters or more")
            }
            query.words = words
        }
        if let phone = try r.optionalString("phone", maxLength: 32) {
            guard let digits = PhoneNumber.digits(phone) else {
                throw .invalidParameter("phone", reason: "has no digits")
            }
            query.phoneDigits = digits
        }
        query.category = try r.optionalString("category", maxLength: Requests.maximumFieldLength)
        query.district = try r.optionalString("district", maxLength: Requests.maximumFieldLength)
        query.unit = try r.optionalString("unit", maxLength: 64)
        for raw in try r.optionalStrings("status", maxLength: 20, maxCount: 10) ?? [] {
            guard let status = TicketStatus(rawValue: raw) else {
                throw .invalidParameter("status", reason: "unknown value \(raw)")
            }
            query.statuses.append(status)
        }
        query.channel = try r.optionalEnum("channel")
        query.from = try r.optionalDate("from")
        query.to = try r.optionalDate("to")
        query.limit = try r.optionalInt("limit", in: 1...SearchQuery.maximumLimit) ?? SearchQuery.defaultLimit
        query.after = try r.optionalString("after", maxLength: 64)
        guard
            query.words != nil || query.phoneDigits != nil || query.category != nil || query.district != nil
                || query.unit != nil || !query.statuses.isEmpty
        else {
            throw .invalidParameter("text", reason: "give text, phone, category, district, unit or status")
        }
        return query
    }
}
