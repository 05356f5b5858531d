import Foundation
import Varlink

/// The month's per-unit figures for the monthly meeting (`hotlinectl report`): every Stats
/// field with the score and rank, as CSV for spreadsheets, or as one self-contained HTML page
/// (inline SVG bar charts of the scores and of the three rates; no external assets) to put on
/// the screen. The HTML is well-formed XML, so tools can read the numbers back.
public struct MonthlyReport: Sendable {
    /// The Stats fields in report order (after rank and unit).
    public static let fields = [
        "dispatched", "claimedOnTime", "responseRate", "replied", "repliedOnTime", "onTimeRate", "rated", "solved",
        "solvedRate", "satisfied", "satisfactionRate", "badRatings", "callbacksDone", "callbackRate", "rectified",
        "overdue", "returned", "extended", "score",
    ]

    /// The month, `2026-11`.
    public var month: String
    /// Stats' `units`, ranked (highest score first).
    public var units: [JSONValue]
    /// Stats' `total`.
    public var total: JSONValue
    /// Unit ids → names.
    public var unitNames: [String: String]
    /// When the report was made (shown on the page).
    public var generatedAt: String

    /// A report of one Stats reply.
    public init(month: String, units: [JSONValue], total: JSONValue, unitNames: [String: String], generatedAt: String) {
        self.month = month
        self.units = units
        self.total = total
        self.unitNames = unitNames
        self.generatedAt = generatedAt
    }

    /// The first and last instant of a month `YYYY-MM` in `timeZone`, as RFC 3339 (`to` is
    /// the first instant of the next month, Stats' `to` being exclusive).
    /// The month (`YYYY-MM`) that `instant` falls in, in `timeZone`.
    public static func month(of instant: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month], from: instant)
        return String(format: "%04d-%02d", parts.year ?? 1970, parts.month ?? 1)
    }

    public static func period(of month: String, in timeZone: TimeZone) -> (from: String, to: String)? {
        let parts = month.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), let number = Int(parts[1]),
            (1...12).contains(number)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard let start = calendar.date(from: DateComponents(year: year, month: number, day: 1)),
            let end = calendar.date(byAdding: .month, value: 1, to: start)
        else { return nil }
        return (RFC3339.format(start, in: timeZone), RFC3339.format(end, in: timeZone))
    }

    private func name(_ unit: String) -> String { unitNames[unit] ?? "" }

    private static func cell(_ value: JSONValue?) -> String {
        switch value {
        case .int(let i)?: String(i)
        case .double(let d)?:
            String(format: "%.4f", d).replacingOccurrences(of: #"\.?0+$"#, with: "", options: .regularExpression)
        default: ""
        }
    }

    // MARK: CSV

    /// RFC 4180 CSV: a header, one row per unit in rank order, then the total (rank empty).
    /// Rates are fractions (0.95), empty when there was nothing to count.
    public func csv() -> String {
        func quoted(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var lines = [(["rank", "unit", "name"] + Self.fields).joined(separator: ",")]
        for (index, stats) in units.enumerated() {
            let unit = stats["unit"]?.stringValue ?? ""
            lines.append(
                ([String(index + 1), quoted(unit), quoted(name(unit))] + Self.fields.map { Self.cell(stats[$0]) })
                    .joined(separator: ",")
            )
        }
        lines.append((["", "total", ""] + Self.fields.map { Self.cell(total[$0]) }).joined(separator: ","))
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    // MARK: HTML

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static func shown(_ field: String, _ value: JSONValue?) -> String {
        if field.hasSuffix("Rate") { return TicketText.percent(value) }
        guard let value, let number = value.numberValue else { return "–" }
        if field == "score" { return String(format: "%.2f", number) }
        return String(Int(number))
    }

    private static let headings: [String: String] = [
        "dispatched": "派单", "claimedOnTime": "按时签收", "responseRate": "响应率", "replied": "办结",
        "repliedOnTime": "按时办结", "onTimeRate": "按时办结率", "rated": "评价", "solved": "解决", "solvedRate": "解决率",
        "satisfied": "满意", "satisfactionRate": "满意率", "badRatings": "差评", "callbacksDone": "差评回访",
        "callbackRate": "回访率", "rectified": "整改", "overdue": "超期", "returned": "退回", "extended": "延期", "score": "得分",
    ]

    /// The page.
    public func html() -> String {
        var page = """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="zh-CN">
            <head>
            <meta charset="utf-8" />
            <title>12345 热线 \(Self.escape(month)) 月度考核</title>
            <style>
            body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", sans-serif; margin: 2em; color: #222; }
            h1 { font-size: 1.6em; margin-bottom: 0.2em; }
            p.meta { color: #666; margin-top: 0; }
            table { border-collapse: collapse; margin: 1.5em 0; font-size: 0.95em; }
            th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; }
            tr.total td { font-weight: bold; background: #f4f4f4; }
            td.bad { color: #b00020; }
            svg text { font-size: 13px; }
            </style>
            </head>
            <body>
            <h1>12345 热线 \(Self.escape(month)) 各单位考核</h1>
            <p class="meta">生成于 \(Self.escape(generatedAt)) · 按受理时间统计 · 得分 = 响应率、解决率、满意率加权</p>

            """
        page += scoreChart() + rateChart()
        page += "<table id=\"figures\">\n<thead><tr><th>排名</th><th>单位</th>"
        page +=
            Self.fields.map { "<th data-field=\"\($0)\">\(Self.headings[$0] ?? $0)</th>" }.joined()
            + "</tr></thead>\n<tbody>\n"
        func row(_ stats: JSONValue, rank: String, unit: String, label: String, cssClass: String) -> String {
            var cells =
                "<tr class=\"\(cssClass)\" data-unit=\"\(Self.escape(unit))\"><td class=\"n\">\(rank)</td><td>\(Self.escape(label))</td>"
            for field in Self.fields {
                let raw = Self.cell(stats[field])
                let bad = (field == "overdue" || field == "badRatings") && raw != "" && raw != "0"
                cells +=
                    "<td class=\"n\(bad ? " bad" : "")\" data-field=\"\(field)\" data-value=\"\(raw)\">\(Self.shown(field, stats[field]))</td>"
            }
            return cells + "</tr>\n"
        }
        for (index, stats) in units.enumerated() {
            let unit = stats["unit"]?.stringValue ?? ""
            let label = name(unit).isEmpty ? unit : "\(name(unit))（\(unit)）"
            page += row(stats, rank: String(index + 1), unit: unit, label: label, cssClass: "unit")
        }
        page += row(total, rank: "", unit: "total", label: "合计", cssClass: "total")
        page += "</tbody>\n</table>\n</body>\n</html>\n"
        return page
    }

    private func label(_ stats: JSONValue) -> String {
        let unit = stats["unit"]?.stringValue ?? ""
        return Self.escape(name(unit).isEmpty ? unit : name(unit))
    }

    /// Horizontal bars of the scores (0–100), highest first.
    private func scoreChart() -> String {
        let rowHeight = 26
        let left = 170
        let width = 420
        let height = units.count * rowHeight + 30
        var svg =
            "<h2>得分</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"scores\" width=\"\(left + width + 70)\" height=\"\(height)\" role=\"img\">\n"
        for (index, stats) in units.enumerated() {
            let score = stats["score"]?.numberValue ?? 0
            let y = index * rowHeight + 10
            let bar = Int((score / 100 * Double(width)).rounded())
            svg += "<text x=\"\(left - 8)\" y=\"\(y + 16)\" text-anchor=\"end\">\(label(stats))</text>"
            svg += "<rect x=\"\(left)\" y=\"\(y + 3)\" width=\"\(bar)\" height=\"\(rowHeight - 8)\" fill=\"#1f6fb2\" />"
            svg += "<text x=\"\(left + bar + 6)\" y=\"\(y + 16)\">\(String(format: "%.2f", score))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Grouped bars of the response, solved and satisfaction rates per unit.
    private func rateChart() -> String {
        let rates = [
            ("responseRate", "响应率", "#2a9d8f"), ("solvedRate", "解决率", "#e9c46a"),
            ("satisfactionRate", "满意率", "#e76f51"),
        ]
        let group = 3 * 14 + 12
        let left = 170
        let width = 420
        let height = units.count * group + 50
        var svg =
            "<h2>三率</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"rates\" width=\"\(left + width + 80)\" height=\"\(height)\" role=\"img\">\n"
        for (index, (_, title, colour)) in rates.enumerated() {
            svg +=
                "<rect x=\"\(left + index * 110)\" y=\"4\" width=\"12\" height=\"12\" fill=\"\(colour)\" /><text x=\"\(left + index * 110 + 16)\" y=\"15\">\(title)</text>"
        }
        svg += "\n"
        for (index, stats) in units.enumerated() {
            let y = index * group + 30
            svg += "<text x=\"\(left - 8)\" y=\"\(y + 25)\" text-anchor=\"end\">\(label(stats))</text>"
            for (offset, (field, _, colour)) in rates.enumerated() {
                let value = stats[field]?.numberValue
                let bar = Int(((value ?? 0) * Double(width)).rounded())
                let barY = y + offset * 14
                svg += "<rect x=\"\(left)\" y=\"\(barY)\" width=\"\(bar)\" height=\"12\" fill=\"\(colour)\" />"
                svg += "<text x=\"\(left + bar + 4)\" y=\"\(barY + 11)\">\(Self.shown(field, stats[field]))</text>"
            }
            svg += "\n"
        }
        return svg + "</svg>\n"
    }
}
