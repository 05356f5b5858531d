import Foundation
import Varlink

/// How tickets, their history, notices and the figures are shown to people.
public struct TicketText: Sendable {
    /// Colours (off for pipes and `NO_COLOR`).
    public var style: Style
    /// The present, for "how long is left".
    public var now: Date
    /// Unit ids → their names (from the configuration file when hotlinectl can read it).
    public var unitNames: [String: String]

    /// A renderer.
    public init(style: Style, now: Date = Date(), unitNames: [String: String] = [:]) {
        self.style = style
        self.now = now
        self.unitNames = unitNames
    }

    /// The deadline that matters now for a ticket in this status, and its name.
    public static func runningDeadline(of ticket: JSONValue) -> (name: String, time: String)? {
        func time(_ key: String) -> String? { ticket[key]?.stringValue }
        switch ticket["status"]?.stringValue {
        case "dispatched": return time("claimBy").map { ("claim", $0) }
        case "claimed", "reopened":
            if let phase = time("phaseDueBy"), ticket["longTerm"]?.boolValue == true { return ("phase report", phase) }
            return time("dueBy").map { ("resolve", $0) }
        case "callback": return time("callbackBy").map { ("call back", $0) }
        case "replied": return time("ratingBy").map { ("rating", $0) }
        default: return nil
        }
    }

    /// A unit id with its name: `water 自来水公司`, or the id alone.
    public func unit(_ id: String?) -> String {
        guard let id else { return "-" }
        guard let name = unitNames[id], name != id else { return id }
        return "\(id) \(name)"
    }

    /// Marks for a ticket: `OVERDUE`, `SUPERVISED`, `URGENT`, `EXT?` (extension waiting for a decision).
    public func flags(of ticket: JSONValue) -> String {
        var flags: [String] = []
        if ticket["overdue"]?.boolValue == true { flags.append(style.red("OVERDUE")) }
        if ticket["supervised"]?.boolValue == true { flags.append(style.magenta("SUPERVISED")) }
        if ticket["priority"]?.stringValue == "urgent" { flags.append(style.yellow("URGENT")) }
        if ticket["extensionPending"]?.boolValue == true { flags.append("EXT?") }
        return flags.joined(separator: " ")
    }

    /// `list`: one row per ticket.
    public func list(_ tickets: [JSONValue], next: String?) -> String {
        var table = TextTable(columns: [
            .init("ID"), .init("STATUS"), .init("UNIT", maximumWidth: 24), .init("DUE"), .init("LEFT"), .init("FLAGS"),
            .init("TITLE", maximumWidth: 40),
        ])
        for ticket in tickets {
            let deadline = Self.runningDeadline(of: ticket)
            var left = deadline.flatMap { TimeText.left(until: $0.time, now: now) } ?? ""
            if left.hasPrefix("overdue") { left = style.red(left) }
            let title =
                ticket["title"]?.stringValue
                ?? (ticket["content"]?.stringValue ?? "").split(whereSeparator: \.isNewline).first.map(String.init)
                ?? ""
            table.append([
                ticket["id"]?.stringValue ?? "?", ticket["status"]?.stringValue ?? "?",
                unit(ticket["unit"]?.stringValue),
                deadline.map { TimeText.local($0.time) } ?? "", left, flags(of: ticket), title,
            ])
        }
        var text = tickets.isEmpty ? "no tickets\n" : table.render(style: style)
        if let next { text += style.dim("more: hotlinectl list … --after \(next)") + "\n" }
        return text
    }

    /// `show`: the ticket, its deadlines, its text and its history.
    public func show(_ ticket: JSONValue, events: [JSONValue]) -> String {
        func value(_ key: String) -> String? {
            guard let v = ticket[key], v != .null else { return nil }
            return v.plainText
        }
        var lines: [(String, String)] = []
        lines.append(
            (
                "ticket",
                ["\(value("id") ?? "?")", value("status") ?? "?", flags(of: ticket)].filter { !$0.isEmpty }
                    .joined(separator: "  ")
            )
        )
        lines.append(("channel", "\(value("channel") ?? "?")  submission \(value("submissionId") ?? "?")"))
        if let title = value("title") { lines.append(("title", title)) }
        if let category = value("category") { lines.append(("category", category)) }
        lines.append(("unit", unit(ticket["unit"]?.stringValue)))
        if let coUnits = ticket["coUnits"]?.arrayValue, !coUnits.isEmpty {
            lines.append(("co-units", coUnits.compactMap(\.stringValue).map { unit($0) }.joined(separator: ", ")))
        }
        let citizen = [ticket["citizen"]?["name"], ticket["citizen"]?["phone"]].compactMap { $0?.stringValue }
        if !citizen.isEmpty { lines.append(("citizen", citizen.joined(separator: "  "))) }
        let place = [ticket["location"]?["district"], ticket["location"]?["address"]].compactMap { $0?.stringValue }
        if !place.isEmpty { lines.append(("location", place.joined(separator: " "))) }
        if let received = value("receivedAt") { lines.append(("received", TimeText.local(received))) }
        for (key, label) in [
            ("claimBy", "claim by"), ("dueBy", "due by"), ("phaseDueBy", "phase report by"),
            ("callbackBy", "call back by"), ("ratingBy", "rating by"), ("extensionUntil", "extension to"),
        ] {
            guard let time = value(key) else { continue }
            var text = TimeText.local(time)
            if Self.runningDeadline(of: ticket)?.time == time, let left = TimeText.left(until: time, now: now) {
                text += "  (" + (left.hasPrefix("overdue") ? style.red(left) : left) + ")"
            }
            lines.append((label, text))
        }
        if let result = value("result") {
            let by = value("answeredBy") == "centre" ? "answer (centre)" : "reply (unit)"
            lines.append((by, result))
        }
        if let knowledge = ticket["knowledge"]?.arrayValue, !knowledge.isEmpty {
            lines.append(("knowledge", knowledge.compactMap(\.stringValue).joined(separator: ", ")))
        }
        if let rating = value("rating") {
            lines.append(
                (
                    "rating",
                    rating
                        + (ticket["solved"]?.boolValue == true
                            ? ", solved" : ticket["solved"]?.boolValue == false ? ", not solved" : "")
                )
            )
        }
        if let closedAs = value("closedAs") {
            lines.append(("closed as", closedAs + (value("duplicateOf").map { " of \($0)" } ?? "")))
        }
        let labelWidth = lines.map(\.0.displayWidth).max() ?? 0
        var text =
            lines.map { label, value in
                style.dim(label + String(repeating: " ", count: labelWidth - label.displayWidth)) + "  " + value
            }.joined(separator: "\n") + "\n"
        text += "\n" + (ticket["content"]?.stringValue ?? "") + "\n\n"
        var history = TextTable(columns: [
            .init("AT"), .init("EVENT"), .init("BY"), .init("UNIT"), .init("NOTE", maximumWidth: 60),
        ])
        for event in events {
            let by = "\(event["role"]?.stringValue ?? "?") \(event["actorUid"]?.plainText ?? "")"
            history.append([
                TimeText.local(event["at"]?.stringValue ?? ""), event["kind"]?.stringValue ?? "?", by,
                event["unit"]?.stringValue ?? "", event["note"]?.stringValue ?? "",
            ])
        }
        return text + history.render(style: style)
    }

    /// `watch`: one line per notice.
    public func notice(_ notice: JSONValue) -> String {
        let kind = notice["kind"]?.stringValue ?? "?"
        let shown: String
        switch kind {
        case "overdue", "bad_rating": shown = style.red(kind)
        case "due_soon", "callback_due": shown = style.yellow(kind)
        default: shown = kind
        }
        var parts = [TimeText.local(notice["at"]?.stringValue ?? ""), shown, notice["ticket"]?.stringValue ?? "?"]
        if let unit = notice["unit"]?.stringValue { parts.append(self.unit(unit)) }
        if let deadline = notice["deadline"]?.stringValue { parts.append("(\(deadline))") }
        return parts.joined(separator: "  ")
    }

    /// A rate as a percentage, `–` when there was nothing to count.
    public static func percent(_ value: JSONValue?) -> String {
        guard let value, let number = value.numberValue else { return "–" }
        return String(format: "%.1f%%", number * 100)
    }

    /// A score to two decimals, `–` when no rate was known.
    public static func score(_ value: JSONValue?) -> String {
        guard let value, let number = value.numberValue else { return "–" }
        return String(format: "%.2f", number)
    }

    /// The centre's own figures on one line, nil when the reply has none (a unit's).
    public func centre(_ figures: JSONValue?) -> String? {
        guard let figures, figures != .null else { return nil }
        func count(_ key: String) -> String { figures[key]?.plainText ?? "0" }
        return
            "centre: \(count("answered")) of \(count("received")) answered directly (\(Self.percent(figures["directRate"]))), "
            + "satisfaction \(Self.percent(figures["satisfactionRate"])), \(count("badRatings")) bad, "
            + "called back \(Self.percent(figures["callbackRate"]))"
    }

    /// `hotspots`: each key with its count, its share of the period's tickets, the count of
    /// the period before and the change; then the period's total.
    public func hotspots(_ rows: [JSONValue], total: JSONValue?, by: String) -> String {
        var table = TextTable(columns: [
            .init(by.uppercased(), maximumWidth: 28), .init("COUNT", .right), .init("SHARE", .right),
            .init("BEFORE", .right), .init("CHANGE", .right),
        ])
        let all = total?.numberValue ?? 0
        for row in rows {
            let count = row["count"]?.numberValue ?? 0
            var change = "–"
            if let value = row["change"]?.numberValue {
                change = String(format: "%+.1f%%", value * 100)
                if value > 0 { change = style.red(change) }
            }
            table.append([
                row["key"]?.stringValue ?? "(none)", row["count"]?.plainText ?? "0",
                all > 0 ? String(format: "%.1f%%", count / all * 100) : "–", row["previous"]?.plainText ?? "0",
                change,
            ])
        }
        return table.render(style: style) + "\(total?.plainText ?? "0") tickets in the period\n"
    }

    /// `stats`: the ranking, then the total.
    public func stats(_ units: [JSONValue], total: JSONValue) -> String {
        var table = TextTable(columns: [
            .init("RANK", .right), .init("UNIT", maximumWidth: 28), .init("DISPATCHED", .right),
            .init("RESPONSE", .right),
            .init("ON TIME", .right), .init("SOLVED", .right), .init("SATISFIED", .right), .init("BAD", .right),
            .init("CALLED BACK", .right), .init("OVERDUE", .right), .init("RETURNED", .right),
            .init("EXTENDED", .right), .init("URGED", .right),
            .init("SCORE", .right),
        ])
        func row(_ stats: JSONValue, rank: String) -> [String] {
            func count(_ key: String) -> String { stats[key]?.plainText ?? "0" }
            let overdue = count("overdue")
            return [
                rank, rank.isEmpty ? style.bold("total") : unit(stats["unit"]?.stringValue), count("dispatched"),
                Self.percent(stats["responseRate"]), Self.percent(stats["onTimeRate"]),
                Self.percent(stats["solvedRate"]),
                Self.percent(stats["satisfactionRate"]), count("badRatings"), Self.percent(stats["callbackRate"]),
                overdue == "0" ? overdue : style.red(overdue), count("returned"), count("extended"), count("urged"),
                Self.score(stats["score"]),
            ]
        }
        // Units with no score (nothing known yet) are listed after the ranking, unranked.
        for (index, stats) in units.enumerated() {
            table.append(row(stats, rank: stats["score"]?.numberValue == nil ? "–" : String(index + 1)))
        }
        table.append(row(total, rank: ""))
        return table.render(style: style)
    }
}

extension JSONValue {
    /// An int or double as a Double.
    public var numberValue: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }
}

extension TicketText {
    /// One line after a change: id, status, unit, the running deadline and the marks.
    public func summary(_ ticket: JSONValue) -> String {
        var parts = [ticket["id"]?.stringValue ?? "?", ticket["status"]?.stringValue ?? "?"]
        if let unit = ticket["unit"]?.stringValue { parts.append(self.unit(unit)) } else { parts.append("pending") }
        if let deadline = Self.runningDeadline(of: ticket) {
            var text = "\(deadline.name) by \(TimeText.local(deadline.time))"
            if let left = TimeText.left(until: deadline.time, now: now) {
                text += " (" + (left.hasPrefix("overdue") ? style.red(left) : left) + ")"
            }
            parts.append(text)
        }
        let marks = flags(of: ticket)
        if !marks.isEmpty { parts.append(marks) }
        return parts.joined(separator: "  ")
    }
}
