import Foundation
import Varlink

/// The month's per-unit figures for the monthly meeting (`hotlinectl report`), as text for the
/// terminal, CSV for spreadsheets, or one self-contained HTML page (inline SVG bars of the
/// scores and of the three rates; no scripts, no external assets; prints on A4 landscape).
///
/// Every form carries the period, the weights of the score, a key for "–", the ranking
/// (units without a score last, unranked and left out of the charts), and the month's worry
/// list: its overdue tickets and its bad ratings with their call-back state, by id and unit,
/// never a citizen's name, phone or words. The HTML is well-formed XML whose figure cells
/// carry the exact values (`data-value`), so tools can read the numbers back.
public struct MonthlyReport: Sendable {
    /// The Stats fields in report order (after rank and unit).
    public static let fields = [
        "dispatched", "claimDue", "claimedOnTime", "responseRate", "replyDue", "replied", "repliedOnTime",
        "onTimeRate", "rated", "solved", "solvedRate", "satisfied", "satisfactionRate", "badRatings", "callbacksDone",
        "callbackRate", "rectified", "overdue", "returned", "extended", "urged", "score",
    ]

    /// How many tickets each part of the worry list shows (the rest are counted).
    public static let worryListLimit = 50

    /// The month, `2026-11`.
    public var month: String
    /// The period of the figures: Stats' `from` and `to` (RFC 3339, `to` exclusive).
    public var from: String, to: String
    /// Stats' `units`, ranked (highest score first, units without a score last).
    public var units: [JSONValue]
    /// Stats' `total`.
    public var total: JSONValue
    /// Stats' `weights` (null from a daemon that does not send them: the defaults are shown).
    public var weights: JSONValue
    /// Stats' `centre`: the centre's direct answers (null when not sent).
    public var centre: JSONValue
    /// Tickets received in the month that are overdue, or were rated badly and owe or are
    /// working off their call-back (Ticket values of the interface).
    public var worries: [JSONValue]
    /// The month's hot spots (热点): its top categories and districts, each with the month
    /// before and the change (Hotspots replies; empty from a daemon without them).
    public var hotspots: [Hotspots]
    /// Unit ids → names.
    public var unitNames: [String: String]
    /// When the report was made.
    public var generatedAt: Date
    /// The centre's time zone: dates and times are shown in it.
    public var timeZone: TimeZone

    /// A report of one Stats reply and the month's worry list.
    public init(
        month: String,
        from: String,
        to: String,
        units: [JSONValue],
        total: JSONValue,
        weights: JSONValue = .null,
        centre: JSONValue = .null,
        worries: [JSONValue] = [],
        hotspots: [Hotspots] = [],
        unitNames: [String: String],
        generatedAt: Date,
        timeZone: TimeZone
    ) {
        self.hotspots = hotspots
        self.month = month
        self.from = from
        self.to = to
        self.units = units
        self.total = total
        self.weights = weights
        self.centre = centre
        self.worries = worries
        self.unitNames = unitNames
        self.generatedAt = generatedAt
        self.timeZone = timeZone
    }

    /// One `Hotspots` reply of the month: the key it counts by, its rows, its total.
    public struct Hotspots: Sendable {
        /// `category` or `district` (or `unit`, `channel`).
        public var by: String
        /// The rows, highest count first (`key`, `count`, `previous`, `change`).
        public var rows: [JSONValue]
        /// Every ticket received in the month.
        public var total: Int

        /// A table of hot spots.
        public init(by: String, rows: [JSONValue], total: Int) {
            self.by = by
            self.rows = rows
            self.total = total
        }

        /// The heading: `诉求类别`, `区域`, ….
        public var title: String {
            ["category": "诉求类别", "district": "区域", "unit": "承办单位", "channel": "渠道"][by] ?? by
        }
    }

    /// How many keys the report shows per hot-spot table.
    public static let hotspotLimit = 10

    /// The month (`YYYY-MM`) that `instant` falls in, in `timeZone`.
    public static func month(of instant: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month], from: instant)
        return String(format: "%04d-%02d", parts.year ?? 1970, parts.month ?? 1)
    }

    /// The first and last instant of a month `YYYY-MM` in `timeZone`, as RFC 3339 (`to` is
    /// the first instant of the next month, Stats' `to` being exclusive).
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

    // MARK: What every form says

    private func name(_ unit: String) -> String { unitNames[unit] ?? "" }

    /// `name（id）`, or the id alone.
    private func label(_ unit: String) -> String { name(unit).isEmpty ? unit : "\(name(unit))（\(unit)）" }

    /// Whether a row has a score (some outcome of its tickets is known).
    private static func scored(_ stats: JSONValue) -> Bool { stats["score"]?.numberValue != nil }

    /// `instant` as `2026-11-30 17:30` in the centre's zone.
    private func local(_ instant: Date, seconds: Bool = false) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = seconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm"
        return formatter.string(from: instant)
    }

    private func local(wire: String?) -> String {
        guard let wire, let date = RFC3339.parse(wire) else { return "–" }
        return local(date)
    }

    /// `2026-11-01 至 2026-11-30`: the local days of the period (its `to` is exclusive).
    public var periodText: String {
        guard let start = RFC3339.parse(from), let end = RFC3339.parse(to) else { return "\(from) – \(to)" }
        let last = String(local(end.addingTimeInterval(-1)).prefix(10))
        return "\(local(start).prefix(10)) 至 \(last)"
    }

    /// `2026-12-01 09:00 (Asia/Shanghai, UTC+08:00)`.
    public var generatedText: String {
        let offset = timeZone.secondsFromGMT(for: generatedAt) / 60
        let sign = offset < 0 ? "-" : "+"
        return
            "\(local(generatedAt)) (\(timeZone.identifier), UTC\(sign)\(String(format: "%02d:%02d", abs(offset) / 60, abs(offset) % 60)))"
    }

    /// `响应率 30% · 解决率 35% · 满意率 35%`.
    public var weightsText: String {
        func weight(_ key: String, _ fallback: Double) -> String {
            String(format: "%.0f%%", (weights[key]?.numberValue ?? fallback) * 100)
        }
        return "响应率 \(weight("response", 0.30)) · 解决率 \(weight("solved", 0.35)) · 满意率 \(weight("satisfaction", 0.35))"
    }

    /// What "–" stands for.
    public static let dashKey =
        "“–”：该项尚无结果已知的工单（分母为 0），仍在签收或办理时限内的工单不计入；三率均无时不排名、不计分。"

    /// How the score is made.
    public var scoreKey: String { "得分 = 已知各率的加权平均 × 100，权重 \(weightsText)（无结果的率不计其权重）。" }

    /// The worry list in its two parts: overdue tickets, then bad ratings with their call-back state.
    private var worryParts: (overdue: [JSONValue], badRatings: [JSONValue]) {
        let overdue = worries.filter { $0["overdue"]?.boolValue == true }
        let bad = worries.filter { ["callback", "reopened"].contains($0["status"]?.stringValue ?? "") }
        return (overdue, bad)
    }

    /// The call-back state of a bad-rated ticket, in words.
    private func callbackState(_ ticket: JSONValue) -> String {
        switch ticket["status"]?.stringValue {
        case "callback":
            let attempts = ticket["callbackAttempts"]?.intValue ?? 0
            return "待回访，时限 \(local(wire: ticket["callbackBy"]?.stringValue))"
                + (attempts > 0 ? "，已 \(attempts) 次未接通" : "")
        case "reopened": return "已回访，整改中，时限 \(local(wire: ticket["dueBy"]?.stringValue))"
        default: return ticket["status"]?.stringValue ?? "–"
        }
    }

    /// The deadline an overdue ticket is past, or its status once handled.
    private func overdueState(_ ticket: JSONValue) -> String {
        let status = ticket["status"]?.stringValue ?? "?"
        let statusName = Self.statusNames[status] ?? status
        if let (_, time) = TicketText.runningDeadline(of: ticket) { return "\(statusName)，时限 \(local(wire: time))" }
        return statusName
    }

    private static let statusNames: [String: String] = [
        "pending": "待派单", "dispatched": "待签收", "claimed": "办理中", "replied": "已答复待评价", "callback": "待回访",
        "reopened": "整改中", "closed": "已办结",
    ]

    // MARK: Text

    /// The report for a terminal: the period, the ranking table, the key, the worry list.
    public func text(style: Style = Style(enabled: false)) -> String {
        var out = "12345 热线 \(month) 各单位考核\n统计期间 \(periodText)（按受理时间）  生成于 \(generatedText)\n"
        out += scoreKey + "\n\n"
        out += TicketText(style: style, now: generatedAt, unitNames: unitNames).stats(units, total: total)
        out += "\n" + Self.dashKey + "\n"
        if let line = TicketText(style: style, now: generatedAt, unitNames: unitNames).centre(centre) {
            out += "\n" + line + "\n"
        }
        let (overdue, bad) = worryParts
        out += "\n超期工单（\(overdue.count)）\n"
        var overdueTable = TextTable(columns: [.init("TICKET"), .init("UNIT", maximumWidth: 28), .init("STATE")])
        for ticket in overdue.prefix(Self.worryListLimit) {
            overdueTable.append([
                ticket["id"]?.stringValue ?? "?", label(ticket["unit"]?.stringValue ?? "–"), overdueState(ticket),
            ])
        }
        out += overdue.isEmpty ? "无\n" : overdueTable.render(style: style) + more(overdue.count)
        out += "\n差评回访（\(bad.count)）\n"
        var badTable = TextTable(columns: [
            .init("TICKET"), .init("UNIT", maximumWidth: 28), .init("RATING"), .init("CALL-BACK"),
        ])
        for ticket in bad.prefix(Self.worryListLimit) {
            badTable.append([
                ticket["id"]?.stringValue ?? "?", label(ticket["unit"]?.stringValue ?? "–"),
                ticket["rating"]?.stringValue ?? "–", callbackState(ticket),
            ])
        }
        out += bad.isEmpty ? "无\n" : badTable.render(style: style) + more(bad.count)
        for table in hotspots {
            out += "\n热点：\(table.title)前 \(Self.hotspotLimit)（与上月同期天数比较）\n"
            out += TicketText(style: style, now: generatedAt, unitNames: unitNames).hotspots(
                table.rows,
                total: .int(Int64(table.total)),
                by: table.by
            )
        }
        return out
    }

    private func more(_ count: Int) -> String {
        count > Self.worryListLimit ? "… 另有 \(count - Self.worryListLimit) 件，见 hotlinectl list --overdue\n" : ""
    }

    // MARK: CSV

    /// The exact value of a figure as text: counts as integers, rates and scores unrounded,
    /// empty for null.
    private static func cell(_ value: JSONValue?) -> String {
        switch value {
        case .int(let i)?: String(i)
        case .double(let d)?: d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
        default: ""
        }
    }

    /// RFC 4180 CSV: a header, one row per unit in rank order (rank empty for units without a
    /// score), then the total (rank empty). Rates are exact fractions, empty when there was
    /// nothing to count; the spreadsheet rounds them.
    public func csv() -> String {
        func quoted(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var lines = [(["rank", "unit", "name"] + Self.fields).joined(separator: ",")]
        for (index, stats) in units.enumerated() {
            let unit = stats["unit"]?.stringValue ?? ""
            let rank = Self.scored(stats) ? String(index + 1) : ""
            lines.append(
                ([rank, quoted(unit), quoted(name(unit))] + Self.fields.map { Self.cell(stats[$0]) })
                    .joined(separator: ",")
            )
        }
        lines.append((["", "total", ""] + Self.fields.map { Self.cell(total[$0]) }).joined(separator: ","))
        if !hotspots.isEmpty {
            // The hot spots as a second table after a blank line, with its own header.
            lines.append("")
            lines.append("hotspot,rank,key,count,previous,change,share")
            for table in hotspots {
                for (index, row) in table.rows.enumerated() {
                    let count = row["count"]?.numberValue ?? 0
                    let share = table.total > 0 ? "\(count / Double(table.total))" : ""
                    lines.append(
                        [
                            table.by, String(index + 1), quoted(row["key"]?.stringValue ?? ""), Self.cell(row["count"]),
                            Self.cell(row["previous"]), Self.cell(row["change"]), share,
                        ].joined(separator: ",")
                    )
                }
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    // MARK: HTML

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static func shown(_ field: String, _ value: JSONValue?) -> String {
        if field.hasSuffix("Rate") { return TicketText.percent(value) }
        if field == "score" { return TicketText.score(value) }
        guard let value, let number = value.numberValue else { return "–" }
        return String(Int(number))
    }

    /// Column headings, short enough to stay on one line (the title attribute says more).
    private static let headings: [String: (String, String)] = [
        "dispatched": ("派单", "派给该单位的工单"),
        "claimDue": ("应签收", "已签收或已过签收时限的工单"),
        "claimedOnTime": ("按时签收", "在签收时限内签收"),
        "responseRate": ("响应率", "按时签收 ÷ 应签收"),
        "replyDue": ("应办结", "已答复或已过办理时限的工单"),
        "replied": ("已答复", "单位已答复"),
        "repliedOnTime": ("按时答复", "在办理时限内答复"),
        "onTimeRate": ("按时办结率", "按时答复 ÷ 应办结"),
        "rated": ("已评价", "市民已评价"),
        "solved": ("已解决", "评价为已解决"),
        "solvedRate": ("解决率", "已解决 ÷ 已评价"),
        "satisfied": ("满意", "非常满意、满意、基本满意"),
        "satisfactionRate": ("满意率", "满意 ÷ 已评价"),
        "badRatings": ("差评", "不满意、非常不满意"),
        "callbacksDone": ("已回访", "差评已回访"),
        "callbackRate": ("回访率", "已回访 ÷ 差评，目标 100%"),
        "rectified": ("整改", "回访后退回整改"),
        "overdue": ("超期", "有时限未按时完成"),
        "returned": ("退单", "单位退回的次数"),
        "extended": ("延期", "经批准延期"),
        "urged": ("催办", "中心催办过的工单"),
        "score": ("得分", "已知各率的加权平均 × 100"),
    ]

    private static let style = """
        @page { size: A4 landscape; margin: 12mm; }
        * { box-sizing: border-box; }
        body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
               margin: 0 auto; padding: 16px 20px; max-width: 1120px; color: #1d2733; font-size: 13px; line-height: 1.45; }
        header { border-bottom: 3px solid #b3261e; padding-bottom: 8px; margin-bottom: 14px; }
        h1 { font-size: 22px; margin: 0 0 4px; letter-spacing: 0.02em; }
        h2 { font-size: 15px; margin: 18px 0 6px; padding-left: 8px; border-left: 4px solid #1f4e79; page-break-after: avoid; }
        p.meta { color: #4a5562; margin: 2px 0; }
        .summary { display: flex; gap: 10px; margin: 12px 0 4px; }
        .summary div { flex: 1; border: 1px solid #d5dbe2; border-radius: 4px; padding: 6px 10px; background: #f7f9fb; }
        .summary b { display: block; font-size: 18px; color: #1f4e79; font-variant-numeric: tabular-nums; }
        .charts { display: flex; gap: 24px; align-items: flex-start; page-break-inside: avoid; }
        table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 11px; page-break-inside: auto; }
        th, td { border: 1px solid #c9d1da; padding: 3px 4px; }
        #figures th, #figures td { padding: 3px 3px; font-size: 10.5px; }
        td.id { white-space: nowrap; font-variant-numeric: tabular-nums; }
        span.id { color: #7a8591; font-size: 0.9em; }
        th { background: #1f4e79; color: #fff; font-weight: 600; white-space: nowrap; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.unit { white-space: nowrap; }
        tr:nth-child(even) td { background: #f6f8fa; }
        tr.idle td { color: #7a8591; }
        tr.total td { font-weight: 700; background: #e8eef4; border-top: 2px solid #1f4e79; }
        td.bad { color: #b3261e; font-weight: 600; }
        p.key { color: #4a5562; font-size: 11.5px; margin: 4px 0; }
        svg text { font-size: 12px; fill: #1d2733; }
        .worries { display: flex; gap: 24px; }
        .worries section { flex: 1; }
        tr { page-break-inside: avoid; }
        """

    /// The page.
    public func html() -> String {
        var page = """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="zh-CN">
            <head>
            <meta charset="utf-8" />
            <title>12345 热线 \(Self.escape(month)) 各单位考核</title>
            <style>
            \(Self.style)
            </style>
            </head>
            <body>
            <header>
            <h1>12345 热线 \(Self.escape(month)) 各单位考核</h1>
            <p class="meta">统计期间 \(Self.escape(periodText))（按受理时间计） · 生成于 \(Self.escape(generatedText))</p>
            <p class="meta">\(Self.escape(scoreKey))</p>
            </header>

            """
        page += summary()
        page += "<h2>各单位排名与明细</h2>\n<table id=\"figures\">\n<thead><tr><th>排名</th><th>单位</th>"
        page +=
            Self.fields.map {
                "<th data-field=\"\($0)\" title=\"\(Self.escape(Self.headings[$0]?.1 ?? $0))\">\(Self.headings[$0]?.0 ?? $0)</th>"
            }.joined() + "</tr></thead>\n<tbody>\n"
        func row(_ stats: JSONValue, rank: String, unit: String, label: String, cssClass: String) -> String {
            var cells =
                "<tr class=\"\(cssClass)\" data-unit=\"\(Self.escape(unit))\"><td class=\"n\">\(rank)</td><td class=\"unit\" title=\"\(Self.escape(unit))\">\(label)</td>"
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
            let scored = Self.scored(stats)
            let shownName =
                name(unit).isEmpty ? "<span class=\"id\">\(Self.escape(unit))</span>" : Self.escape(name(unit))
            page += row(
                stats,
                rank: scored ? String(index + 1) : "–",
                unit: unit,
                label: shownName,
                cssClass: scored ? "unit" : "unit idle"
            )
        }
        page += row(total, rank: "", unit: "total", label: "合计", cssClass: "total")
        page += "</tbody>\n</table>\n<p class=\"key\">\(Self.escape(Self.dashKey))</p>\n"
        page += "<div class=\"charts\">\n" + scoreChart() + rateChart() + "</div>\n"
        page += worryList()
        if !hotspots.isEmpty {
            page += "<h2>热点：诉求类别与区域（前 \(Self.hotspotLimit)，与上月同期天数比较）</h2>\n<div class=\"charts\">\n"
            page += hotspots.map(hotspotChart).joined() + "</div>\n"
        }
        page += "</body>\n</html>\n"
        return page
    }

    /// The centre's headline figures from the total row.
    private func summary() -> String {
        let items = [
            ("派单", String(total["dispatched"]?.intValue ?? 0)), ("响应率", TicketText.percent(total["responseRate"])),
            ("按时办结率", TicketText.percent(total["onTimeRate"])), ("解决率", TicketText.percent(total["solvedRate"])),
            ("满意率", TicketText.percent(total["satisfactionRate"])),
            ("差评回访率", TicketText.percent(total["callbackRate"])),
            ("综合得分", TicketText.score(total["score"])),
        ]
        let direct: [(String, String)] =
            centre == .null
            ? []
            : [
                ("受理", centre["received"]?.plainText ?? "0"), ("中心直接答复", centre["answered"]?.plainText ?? "0"),
                ("直办率", TicketText.percent(centre["directRate"])),
                ("直办满意率", TicketText.percent(centre["satisfactionRate"])),
                ("直办差评回访率", TicketText.percent(centre["callbackRate"])),
            ]
        return "<div class=\"summary\" id=\"summary\">"
            + items.map { "<div>\($0.0)<b>\(Self.escape($0.1))</b></div>" }.joined() + "</div>\n"
            + (direct.isEmpty
                ? ""
                : "<div class=\"summary\" id=\"centre\">"
                    + direct.map { "<div>\($0.0)<b>\(Self.escape($0.1))</b></div>" }.joined() + "</div>\n")
    }

    /// The worry list: overdue tickets, and bad ratings with their call-back state.
    private func worryList() -> String {
        let (overdue, bad) = worryParts
        var html = "<h2>本月关注：超期与差评回访</h2>\n<div class=\"worries\">\n"
        html +=
            "<section><p class=\"meta\">超期工单 \(overdue.count) 件</p>\n<table id=\"overdue\"><thead><tr><th>工单</th><th>单位</th><th>状态</th></tr></thead><tbody>\n"
        for ticket in overdue.prefix(Self.worryListLimit) {
            html +=
                "<tr><td class=\"id\">\(Self.escape(ticket["id"]?.stringValue ?? "?"))</td><td class=\"unit\">\(Self.escape(label(ticket["unit"]?.stringValue ?? "–")))</td><td>\(Self.escape(overdueState(ticket)))</td></tr>\n"
        }
        if overdue.isEmpty { html += "<tr><td colspan=\"3\">无</td></tr>\n" }
        html +=
            "</tbody></table>"
            + (overdue.count > Self.worryListLimit
                ? "<p class=\"key\">另有 \(overdue.count - Self.worryListLimit) 件</p>" : "") + "</section>\n"
        html +=
            "<section><p class=\"meta\">差评待回访或整改中 \(bad.count) 件</p>\n<table id=\"bad-ratings\"><thead><tr><th>工单</th><th>单位</th><th>评价</th><th>回访</th></tr></thead><tbody>\n"
        for ticket in bad.prefix(Self.worryListLimit) {
            html +=
                "<tr><td class=\"id\">\(Self.escape(ticket["id"]?.stringValue ?? "?"))</td><td class=\"unit\">\(Self.escape(label(ticket["unit"]?.stringValue ?? "–")))</td><td>\(Self.escape(Self.ratingNames[ticket["rating"]?.stringValue ?? ""] ?? "–"))</td><td>\(Self.escape(callbackState(ticket)))</td></tr>\n"
        }
        if bad.isEmpty { html += "<tr><td colspan=\"4\">无</td></tr>\n" }
        html +=
            "</tbody></table>"
            + (bad.count > Self.worryListLimit ? "<p class=\"key\">另有 \(bad.count - Self.worryListLimit) 件</p>" : "")
            + "</section>\n"
        return html + "</div>\n"
    }

    private static let ratingNames = [
        "very_satisfied": "非常满意", "satisfied": "满意", "basic": "基本满意", "dissatisfied": "不满意",
        "very_dissatisfied": "非常不满意",
    ]

    /// The units with a score, in rank order: the charts leave out the others.
    private var charted: [JSONValue] { units.filter(Self.scored) }

    private func chartLabel(_ stats: JSONValue) -> String {
        let unit = stats["unit"]?.stringValue ?? ""
        return Self.escape(name(unit).isEmpty ? unit : name(unit))
    }

    /// Horizontal bars of the scores (0–100), highest first.
    private func scoreChart() -> String {
        let rowHeight = 24
        let left = 150
        let width = 260
        let height = max(charted.count, 1) * rowHeight + 16
        var svg =
            "<section><h2>得分排名</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"scores\" width=\"\(left + width + 60)\" height=\"\(height)\" role=\"img\">\n"
        for (index, stats) in charted.enumerated() {
            let score = stats["score"]?.numberValue ?? 0
            let y = index * rowHeight + 6
            let bar = Int((score / 100 * Double(width)).rounded())
            svg += "<text x=\"\(left - 8)\" y=\"\(y + 15)\" text-anchor=\"end\">\(chartLabel(stats))</text>"
            svg +=
                "<rect x=\"\(left)\" y=\"\(y + 3)\" width=\"\(width)\" height=\"\(rowHeight - 8)\" fill=\"#eef2f6\" />"
            svg += "<rect x=\"\(left)\" y=\"\(y + 3)\" width=\"\(bar)\" height=\"\(rowHeight - 8)\" fill=\"#1f4e79\" />"
            svg += "<text x=\"\(left + width + 6)\" y=\"\(y + 15)\">\(TicketText.score(stats["score"]))</text>\n"
        }
        if charted.isEmpty { svg += "<text x=\"0\" y=\"20\">本月尚无可计分的单位</text>\n" }
        return svg + "</svg></section>\n"
    }

    /// Horizontal bars of one hot-spot table: each key's count (the longest bar the highest),
    /// the count, and its change on the month before (▲ red for a rise, ▼ green for a fall,
    /// 新增 when there was none before). Each bar carries its figures as data attributes.
    private func hotspotChart(_ table: Hotspots) -> String {
        let rowHeight = 22
        let left = 136
        let width = 210
        let height = max(table.rows.count, 1) * rowHeight + 10
        let highest = table.rows.compactMap { $0["count"]?.numberValue }.max() ?? 0
        var svg =
            "<section><p class=\"meta\">\(table.title)（本月 \(table.total) 件）</p>\n<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"hotspots-\(Self.escape(table.by))\" width=\"\(left + width + 130)\" height=\"\(height)\" role=\"img\">\n"
        for (index, row) in table.rows.enumerated() {
            let count = row["count"]?.numberValue ?? 0
            let y = index * rowHeight + 4
            let bar = highest > 0 ? max(1, Int((count / highest * Double(width)).rounded())) : 0
            let key = row["key"]?.stringValue
            var label = key.map { table.by == "unit" ? name($0).isEmpty ? $0 : name($0) : $0 } ?? "（未填）"
            label = label.truncated(toWidth: 18)
            let change: String
            let colour: String
            if let value = row["change"]?.numberValue {
                change = (value > 0 ? "▲" : value < 0 ? "▼" : "") + String(format: "%.1f%%", abs(value) * 100)
                colour = value > 0 ? "#b3261e" : value < 0 ? "#2a7f62" : "#4a5562"
            } else {
                change = "新增"
                colour = "#b3261e"
            }
            svg +=
                "<text x=\"\(left - 8)\" y=\"\(y + 14)\" text-anchor=\"end\">\(Self.escape(label))</text>"
            svg +=
                "<rect x=\"\(left)\" y=\"\(y + 3)\" width=\"\(bar)\" height=\"\(rowHeight - 8)\" fill=\"#1f4e79\" data-key=\"\(Self.escape(key ?? ""))\" data-value=\"\(Self.cell(row["count"]))\" data-previous=\"\(Self.cell(row["previous"]))\" data-change=\"\(Self.cell(row["change"]))\" />"
            svg += "<text x=\"\(left + bar + 6)\" y=\"\(y + 14)\">\(Self.cell(row["count"]))</text>"
            svg +=
                "<text x=\"\(left + width + 60)\" y=\"\(y + 14)\" style=\"fill: \(colour)\">\(change)</text>\n"
        }
        if table.rows.isEmpty { svg += "<text x=\"0\" y=\"18\">本月没有工单</text>\n" }
        return svg + "</svg></section>\n"
    }

    /// Grouped bars of the response, solved and satisfaction rates per unit.
    private func rateChart() -> String {
        let rates = [
            ("responseRate", "响应率", "#2a7f62"), ("solvedRate", "解决率", "#d9a21b"),
            ("satisfactionRate", "满意率", "#c0504d"),
        ]
        let group = 3 * 12 + 10
        let left = 150
        let width = 260
        let height = max(charted.count, 1) * group + 30
        var svg =
            "<section><h2>三率</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"rates\" width=\"\(left + width + 60)\" height=\"\(height)\" role=\"img\">\n"
        for (index, (_, title, colour)) in rates.enumerated() {
            svg +=
                "<rect x=\"\(left + index * 90)\" y=\"4\" width=\"11\" height=\"11\" fill=\"\(colour)\" /><text x=\"\(left + index * 90 + 15)\" y=\"14\">\(title)</text>"
        }
        svg += "\n"
        for (index, stats) in charted.enumerated() {
            let y = index * group + 24
            svg += "<text x=\"\(left - 8)\" y=\"\(y + 22)\" text-anchor=\"end\">\(chartLabel(stats))</text>"
            for (offset, (field, _, colour)) in rates.enumerated() {
                let value = stats[field]?.numberValue
                let bar = Int(((value ?? 0) * Double(width)).rounded())
                let barY = y + offset * 12
                svg += "<rect x=\"\(left)\" y=\"\(barY)\" width=\"\(bar)\" height=\"10\" fill=\"\(colour)\" />"
                svg +=
                    "<text x=\"\(left + bar + 4)\" y=\"\(barY + 9)\" style=\"font-size: 10px\">\(Self.shown(field, stats[field]))</text>"
            }
            svg += "\n"
        }
        return svg + "</svg></section>\n"
    }
}
