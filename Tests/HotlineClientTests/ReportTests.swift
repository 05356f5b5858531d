import Foundation
import HotlineClient
import HotlineTesting
import Testing
import Varlink

@Suite("The monthly report")
struct ReportTests {
    static let units: [JSONValue] = [
        [
            "unit": "gas", "dispatched": 4, "claimedOnTime": 4, "responseRate": 1.0, "replied": 4, "repliedOnTime": 4,
            "onTimeRate": 1.0, "rated": 2, "solved": 2, "solvedRate": 1.0, "satisfied": 2, "satisfactionRate": 1.0,
            "badRatings": 0,
            "callbacksDone": 0, "callbackRate": .null, "rectified": 0, "overdue": 0, "returned": 0, "extended": 0,
            "score": 100.0,
        ],
        [
            "unit": "housing", "dispatched": 12, "claimedOnTime": 9, "responseRate": 0.75, "replied": 10,
            "repliedOnTime": 5,
            "onTimeRate": 0.5, "rated": 6, "solved": 4, "solvedRate": 0.6667, "satisfied": 3, "satisfactionRate": 0.5,
            "badRatings": 3, "callbacksDone": 2, "callbackRate": 0.6667, "rectified": 1, "overdue": 4, "returned": 1,
            "extended": 2, "score": 63.33,
        ],
    ]
    static let total: JSONValue = [
        "unit": "total", "dispatched": 16, "claimedOnTime": 13, "responseRate": 0.8125,
        "replied": 14, "repliedOnTime": 9, "onTimeRate": 0.6429, "rated": 8, "solved": 6,
        "solvedRate": 0.75, "satisfied": 5, "satisfactionRate": 0.625, "badRatings": 3,
        "callbacksDone": 2, "callbackRate": 0.6667, "rectified": 1, "overdue": 4, "returned": 1,
        "extended": 2, "score": 72.5,
    ]
    let report = MonthlyReport(
        month: "2026-10",
        units: units,
        total: total,
        unitNames: ["housing": "住房和城乡建设局 <R&D>"],
        generatedAt: "2026-11-01T09:00:00+08:00"
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

    @Test("CSV: a header, the units in rank order, the total; empty cells for null rates")
    func csv() {
        let lines = report.csv().components(separatedBy: "\r\n")
        #expect(lines[0] == "rank,unit,name," + MonthlyReport.fields.joined(separator: ","))
        #expect(lines[1].hasPrefix("1,gas,,4,4,1,4,4,1,2,2,1,2,1,0,0,,0,0,0,0,100"))
        #expect(lines[2].hasPrefix("2,housing,住房和城乡建设局 <R&D>,12,9,0.75,"))
        #expect(lines[3].hasPrefix(",total,,16,13,0.8125,"))
        #expect(lines[4] == "")
    }
}
