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
    }
}

/// `hotlinectl report`.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a month's per-unit figures as CSV or as one self-contained HTML page for the monthly meeting."
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "The month, YYYY-MM.") var month: String
    @Option(help: "html or csv.") var format: Format = .html
    @Option(help: "Write here instead of standard output.") var output: String?

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case html, csv
    }

    func validate() throws { try validMonth(month) }

    func run() throws {
        let site = global.site
        guard let (from, to) = MonthlyReport.period(of: month, in: site.timeZone) else {
            throw ValidationError("--month \(month) is not a month; write YYYY-MM, e.g. 2026-11")
        }
        var options = global
        options.json = false
        let reply = try Client(options: options).call(
            "org.hotline.Dispatch.Stats",
            ["from": .string(from), "to": .string(to)]
        )
        let report = MonthlyReport(
            month: month,
            units: reply["units"]?.arrayValue ?? [],
            total: reply["total"] ?? .object([:]),
            unitNames: site.unitNames,
            generatedAt: RFC3339.format(Date(), in: site.timeZone)
        )
        let text = format == .html ? report.html() : report.csv()
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
}
