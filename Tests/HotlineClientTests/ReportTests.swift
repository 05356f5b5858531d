import Foundation
import HotlineClient
import HotlineTesting
import Testing
import Varlink

@Suite("The monthly report")
struct ReportTests {
    static let units: [JSONValue] = [
        [
            "unit": "gas", "dispatched": 4, "claimDue": 4, "claimedOnTime": 4, "responseRate": 1.0, "replyDue": 4,
            "replied": 4,
            "repliedOnTime": 4,
            "onTimeRate": 1.0, "rated": 2, "solved": 2, "solvedRate": 1.0, "satisfied": 2, "satisfactionRate": 1.0,
            "badRatings": 0,
            "callbacksDone": 0, "callbackRate": .null, "rectified": 0, "overdue": 0, "returned": 0, "extended": 0,
            "urged": 0, "score": 100.0,
        ],
        [
            "unit": "housing", "dispatched": 12, "claimDue": 12, "claimedOnTime": 9, "responseRate": 0.75,
            "replyDue": 10,
            "replied": 10,
            "repliedOnTime": 5,
            "onTimeRate": 0.5, "rated": 6, "solved": 4, "solvedRate": 0.6667, "satisfied": 3, "satisfactionRate": 0.5,
            "badRatings": 3, "callbacksDone": 2, "callbackRate": 0.6667, "rectified": 1, "overdue": 4, "returned": 1,
            "extended": 2, "urged": 3, "score": 63.33,
        ],
        [
            "unit": "urban", "dispatched": 2, "claimDue": 0, "claimedOnTime": 0, "responseRate": .null, "replyDue": 0,
            "replied": 0, "repliedOnTime": 0, "onTimeRate": .null, "rated": 0, "solved": 0, "solvedRate": .null,
            "satisfied": 0, "satisfactionRate": .null, "badRatings": 0, "callbacksDone": 0, "callbackRate": .null,
            "rectified": 0, "overdue": 0, "returned": 0, "extended": 0, "urged": 0, "score": .null,
        ],
    ]
    static let total: JSONValue = [
        "unit": "total", "dispatched": 18, "claimDue": 16, "claimedOnTime": 13, "responseRate": 0.8125, "replyDue": 14,
        "replied": 14, "repliedOnTime": 9, "onTimeRate": 0.6429, "rated": 8, "solved": 6,
        "solvedRate": 0.75, "satisfied": 5, "satisfactionRate": 0.625, "badRatings": 3,
        "callbacksDone": 2, "callbackRate": 0.6667, "rectified": 1, "overdue": 4, "returned": 1,
        "extended": 2, "urged": 3, "score": 72.5,
    ]
    static let worries: [JSONValue] = [
        [
            "id": "20261003-0007", "status": "claimed", "unit": "housing", "overdue": true,
            "dueBy": "2026-10-17T17:30:00+08:00",
        ],
        [
            "id": "20261009-0002", "status": "callback", "unit": "housing", "overdue": false, "rating": "dissatisfied",
            "callbackBy": "2026-10-30T17:30:00+08:00", "callbackAttempts": 1,
        ],
    ]
    let report = MonthlyReport(
        month: "2026-10",
        from: "2026-10-01T00:00:00+08:00",
        to: "2026-11-01T00:00:00+08:00",
        units: units,
        total: total,
        weights: ["response": 0.30, "solved": 0.35, "satisfaction": 0.35],
        centre: [
            "received": 40, "answered": 22, "directRate": 0.55, "rated": 20, "satisfied": 18, "satisfactionRate": 0.9,
            "badRatings": 2, "callbacksDone": 2, "callbackRate": 1.0,
        ],
        worries: worries,
        unitNames: ["housing": "住房和城乡建设局 <R&D>"],
        generatedAt: Date(timeIntervalSince1970: 1_793_494_800),  // 2026-11-01 09:00 +08:00
        timeZone: TimeZone(identifier: "Asia/Shanghai")!
    )

    @Test("HTML: well-formed, self-contained, two inline SVG charts, every figure equal to Stats")
    func html() throws {
        let page = report.html()
        let reader = try ReportFigures.read(page)
        #expect(reader.charts == 2)
        #expect(reader.links.isEmpty, "external assets: \(reader.links)")
        #expect(page.contains("住房和城乡建设局 &lt;R&amp;D&gt;"))
        for stats in Self.units + [Self.total] {
            let unit = stats["unit"]!.stringValue!
            let read = try #require(reader.figures[unit], "no row for \(unit)")
            for field in MonthlyReport.fields {
                let expected = stats[field]!.numberValue
                let value = read[field].flatMap { $0.isEmpty ? nil : Double($0) }
                #expect(value == expected, "\(unit).\(field): \(read[field] ?? "missing")")
            }
        }
    }

    @Test(
        "The page says the period, the weights, the key for –, the time in the centre's zone; idle units are not charted"
    )
    func explains() throws {
        let page = report.html()
        #expect(page.contains("统计期间 2026-10-01 至 2026-10-31"))
        #expect(page.contains("响应率 30% · 解决率 35% · 满意率 35%"))
        #expect(page.contains(MonthlyReport.dashKey))
        #expect(page.contains("生成于 2026-11-01 09:00 (Asia/Shanghai, UTC+08:00)"))
        #expect(page.contains("<div>中心直接答复<b>22</b></div><div>直办率<b>55.0%</b></div>"))
        let reader = try ReportFigures.read(page)
        #expect(reader.chartRows["scores"] == 2 && reader.chartRows["rates"] == 2, "\(reader.chartRows)")
        #expect(page.contains("<tr class=\"unit idle\" data-unit=\"urban\"><td class=\"n\">–</td>"))
        // The worry list: ids and units, the deadline or call-back state, no citizen data.
        #expect(page.contains("20261003-0007") && page.contains("办理中，时限 2026-10-17 17:30"))
        #expect(page.contains("20261009-0002") && page.contains("待回访，时限 2026-10-30 17:30，已 1 次未接通"))
    }

    @Test("Text: the same parts for the terminal")
    func text() {
        let text = report.text()
        #expect(text.contains("统计期间 2026-10-01 至 2026-10-31"))
        #expect(text.contains("超期工单（1）") && text.contains("差评回访（1）") && text.contains("20261009-0002"))
        #expect(text.contains(MonthlyReport.dashKey))
        #expect(
            text.contains("centre: 22 of 40 answered directly (55.0%), satisfaction 90.0%, 2 bad, called back 100.0%")
        )
    }

    @Test("CSV: a header, the units in rank order, the total; empty cells for null rates")
    func csv() {
        let lines = report.csv().components(separatedBy: "\r\n")
        #expect(lines[0] == "rank,unit,name," + MonthlyReport.fields.joined(separator: ","))
        #expect(lines[1].hasPrefix("1,gas,,4,4,4,1,4,4,4,1,2,2,1,2,1,0,0,,0,0,0,0,0,100"))
        #expect(lines[2].hasPrefix("2,housing,住房和城乡建设局 <R&D>,12,12,9,0.75,"))
        #expect(lines[3].hasPrefix(",urban,,2,0,0,,0,0,0,,"))
        #expect(lines[4].hasPrefix(",total,,18,16,13,0.8125,"))
        #expect(lines[5] == "")
    }
}
