import ArgumentParser
import Foundation
import HotlineClient
import Varlink

/// A period given as `--month YYYY-MM` or as `--from`/`--to`; the current month in the
/// centre's time zone when neither is given.
struct PeriodOptions: ParsableArguments {
    @Option(help: "A calendar month, YYYY-MM, in the centre's time zone (default: this month).") var month: String?
    @Option(help: "The first instant (RFC 3339), with --to.") var from: String?
    @Option(help: "The instant after the last (RFC 3339), with --from.") var to: String?

    func validate() throws {
        if month != nil, from != nil || to != nil { throw ValidationError("give --month or --from/--to, not both") }
        if (from == nil) != (to == nil) { throw ValidationError("give both --from and --to, or --month YYYY-MM") }
        if let month { try validMonth(month) }
    }

    /// The Stats parameters.
    func parameters(in timeZone: TimeZone) -> (from: String, to: String) {
        if let from, let to { return (from, to) }
        let month = month ?? MonthlyReport.month(of: Date(), in: timeZone)
        return MonthlyReport.period(of: month, in: timeZone) ?? ("", "")
    }
}

/// Refuses a `--month` that is not `YYYY-MM` (during validation, so the subcommand's usage
/// is shown).
func validMonth(_ month: String) throws {
    guard MonthlyReport.period(of: month, in: TimeZone(identifier: "UTC")!) != nil else {
        throw ValidationError("--month \(month) is not a month; write YYYY-MM, e.g. 2026-11")
    }
}

/// `hotlinectl stats`.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "The per-unit figures for a period: response, on-time, solved, satisfaction and call-back rates, score and rank."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var period: PeriodOptions

    func run() throws {
        let (from, to) = period.parameters(in: global.site.timeZone)
        let reply = try Client(options: global).call(
            "org.hotline.Dispatch.Stats",
            ["from": .string(from), "to": .string(to)]
        )
        guard !global.json else { return }
        print(
            global.text.stats(reply["units"]?.arrayValue ?? [], total: reply["total"] ?? .object([:])),
            terminator: ""
        )
        if let centre = global.text.centre(reply["centre"]) { print(centre) }
    }
}

/// `hotlinectl hotspots`.
struct Hotspots: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "What the city calls about: a period's tickets by category, district, unit or channel, against the period before."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var period: PeriodOptions
    @Option(help: "category, district, unit or channel.") var by: Key = .category
    @Option(help: "The most rows (1–100).") var limit = 10

    enum Key: String, ExpressibleByArgument, CaseIterable {
        case category, district, unit, channel
    }

    func validate() throws {
        guard (1...100).contains(limit) else { throw ValidationError("--limit \(limit) is not between 1 and 100") }
    }

    func run() throws {
        let (from, to) = period.parameters(in: global.site.timeZone)
        let reply = try Client(options: global).call(
            "org.hotline.Dispatch.Hotspots",
            ["from": .string(from), "to": .string(to), "by": .string(by.rawValue), "limit": .int(Int64(limit))]
        )
        guard !global.json else { return }
        print(
            global.text.hotspots(reply["rows"]?.arrayValue ?? [], total: reply["total"], by: by.rawValue),
            terminator: ""
        )
    }
}

/// `hotlinectl report`.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Write a month's per-unit figures and its worry list as text, CSV, or one HTML page for the monthly meeting."
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "The month, YYYY-MM.") var month: String
    @Option(help: "html, csv or text.") var format: Format = .html
    @Option(help: "Write here instead of standard output.") var output: String?

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case html, csv, text
    }

    func validate() throws { try validMonth(month) }

    func run() throws {
        let site = global.site
        guard let (from, to) = MonthlyReport.period(of: month, in: site.timeZone) else {
            throw ValidationError("--month \(month) is not a month; write YYYY-MM, e.g. 2026-11")
        }
        var options = global
        options.json = false
        let client = Client(options: options)
        let reply = try client.call("org.hotline.Dispatch.Stats", ["from": .string(from), "to": .string(to)])
        let report = MonthlyReport(
            month: month,
            from: from,
            to: to,
            units: reply["units"]?.arrayValue ?? [],
            total: reply["total"] ?? .object([:]),
            weights: reply["weights"] ?? .null,
            centre: reply["centre"] ?? .null,
            worries: try worries(client, from: from, to: to),
            // Operators and supervisors see the hot spots; a unit's report has its own row only.
            hotspots: try ["category", "district"].compactMap { by in
                try client.call(
                    "org.hotline.Dispatch.Hotspots",
                    [
                        "from": .string(from), "to": .string(to), "by": .string(by),
                        "limit": .int(Int64(MonthlyReport.hotspotLimit)),
                    ],
                    unlessRefused: true
                ).map { reply in
                    MonthlyReport.Hotspots(
                        by: by,
                        rows: reply["rows"]?.arrayValue ?? [],
                        total: Int(reply["total"]?.numberValue ?? 0)
                    )
                }
            },
            unitNames: site.unitNames,
            generatedAt: Date(),
            timeZone: site.timeZone
        )
        let text =
            switch format {
            case .html: report.html()
            case .csv: report.csv()
            case .text: report.text(style: output == nil ? global.text.style : Style(enabled: false))
            }
        if let output {
            do {
                try text.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                Client.fail("cannot write \(output): \(error.localizedDescription)", status: ExitStatus.cannotCreate)
            }
            FileHandle.standardError.write(Data("wrote \(output)\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    /// The month's worry list: tickets received in it that are overdue, or owe or are working
    /// off a bad rating's call-back (status callback or reopened), each once, by id.
    func worries(_ client: Client, from: String, to: String) throws -> [JSONValue] {
        guard let start = RFC3339.parse(from), let end = RFC3339.parse(to) else { return [] }
        var found: [String: JSONValue] = [:]
        for filter: [String: JSONValue] in [["overdue": true], ["status": ["callback", "reopened"]]] {
            var after: String?
            repeat {
                var parameters = filter
                parameters["limit"] = 1000
                if let after { parameters["after"] = .string(after) }
                let page = try client.call("org.hotline.Dispatch.List", parameters)
                for ticket in page["tickets"]?.arrayValue ?? [] {
                    guard let id = ticket["id"]?.stringValue,
                        let received = ticket["receivedAt"]?.stringValue.flatMap(RFC3339.parse),
                        received >= start, received < end
                    else { continue }
                    found[id] = ticket
                }
                after = page["next"]?.stringValue
            } while after != nil
        }
        return found.keys.sorted().compactMap { found[$0] }
    }
}
