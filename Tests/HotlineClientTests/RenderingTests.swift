import Foundation
import HotlineClient
import Testing
import Varlink

/// The golden files live next to this file; `HOTLINE_UPDATE_GOLDEN=1 swift test` rewrites them.
func golden(_ name: String, _ text: String) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
    if ProcessInfo.processInfo.environment["HOTLINE_UPDATE_GOLDEN"] == "1" {
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    #expect(text == expected, "\(name) differs from the golden file:\n\(text)")
}

/// 2026-10-09 10:00 in Beijing.
let now = RFC3339.parse("2026-10-09T10:00:00+08:00")!
let names = ["water": "自来水集团", "housing": "住房和城乡建设局", "gas": "燃气公司", "power": "供电公司"]

func ticket(
    _ id: String,
    _ status: String,
    unit: String?,
    title: String,
    dueBy: String? = nil,
    claimBy: String? = nil,
    overdue: Bool = false,
    supervised: Bool = false,
    priority: String = "normal"
) -> JSONValue {
    .object([
        "id": .string(id), "status": .string(status), "unit": unit.map(JSONValue.string) ?? .null,
        "title": .string(title),
        "content": "内容", "dueBy": dueBy.map(JSONValue.string) ?? .null,
        "claimBy": claimBy.map(JSONValue.string) ?? .null,
        "overdue": .bool(overdue), "supervised": .bool(supervised), "priority": .string(priority),
        "extensionPending": false, "longTerm": false,
    ])
}

@Suite("How hotlinectl shows things")
struct RenderingTests {
    let text = TicketText(style: Style(enabled: false), now: now, unitNames: names)

    @Test("Display width: Chinese and fullwidth characters take two columns, combining marks none")
    func widths() {
        #expect("water".displayWidth == 5)
        #expect("自来水集团".displayWidth == 10)
        #expect("（）".displayWidth == 4)
        #expect("e\u{301}".displayWidth == 1)
        #expect("住房和城乡建设局".truncated(toWidth: 9) == "住房和城…")
        #expect("住房和城…".displayWidth <= 9)
    }

    @Test("list: columns line up under Chinese unit names and titles; overdue and supervised marked")
    func list() throws {
        let rendered = text.list(
            [
                ticket("20261009-0001", "claimed", unit: "water", title: "小区停水三天了", dueBy: "2026-10-12T17:30:00+08:00"),
                ticket(
                    "20261008-0042",
                    "claimed",
                    unit: "housing",
                    title: "楼道灯坏了 broken light",
                    dueBy: "2026-10-08T17:30:00+08:00",
                    overdue: true,
                    supervised: true
                ),
                ticket(
                    "20261009-0003",
                    "dispatched",
                    unit: "gas",
                    title: "燃气味道很重",
                    claimBy: "2026-10-09T11:30:00+08:00",
                    priority: "urgent"
                ),
                ticket("20261009-0004", "pending", unit: nil, title: "Other"),
            ],
            next: "20261009-0004"
        )
        try golden("list.txt", rendered)
        // Every row's DUE column starts at the same terminal column as its heading.
        let lines = rendered.split(separator: "\n").map(String.init).filter {
            $0.hasPrefix("2026") || $0.hasPrefix("ID")
        }
        let header = lines[0]
        let dueColumn = String(header[..<header.range(of: "DUE")!.lowerBound]).displayWidth
        for line in lines.dropFirst() where line.contains("2026-10-") && line.contains(":") {
            let index = line.range(of: "2026-10-", range: line.index(line.startIndex, offsetBy: 14)..<line.endIndex)!
                .lowerBound
            #expect(String(line[..<index]).displayWidth == dueColumn, "\(line)")
        }
        #expect(rendered.contains("OVERDUE SUPERVISED"))
        #expect(rendered.contains("overdue 16 h 30 min"))
        #expect(rendered.contains("in 1 h 30 min"))
    }

    @Test("stats: ranked units with rates as percentages, – for nothing to count, the total last")
    func stats() throws {
        let units: [JSONValue] = [
            [
                "unit": "gas", "dispatched": 4, "responseRate": 1.0, "onTimeRate": 1.0, "solvedRate": 1.0,
                "satisfactionRate": 1.0,
                "badRatings": 0, "callbackRate": .null, "overdue": 0, "returned": 0, "extended": 0, "urged": 0,
                "score": 100.0,
            ],
            [
                "unit": "housing", "dispatched": 12, "responseRate": 0.75, "onTimeRate": 0.5, "solvedRate": 0.6667,
                "satisfactionRate": 0.5, "badRatings": 3, "callbackRate": 0.6667, "overdue": 4, "returned": 1,
                "extended": 2, "urged": 5,
                "score": 63.33,
            ],
        ]
        let total: JSONValue = [
            "unit": "total", "dispatched": 16, "responseRate": 0.8125, "onTimeRate": 0.625,
            "solvedRate": 0.75, "satisfactionRate": 0.625, "badRatings": 3, "callbackRate": 0.6667,
            "overdue": 4, "returned": 1, "extended": 2, "urged": 5, "score": 72.5,
        ]
        try golden("stats.txt", text.stats(units, total: total))
    }

    @Test("show: the ticket, the running deadline with the time left, the text and the history")
    func show() throws {
        var t = ticket(
            "20261008-0042",
            "claimed",
            unit: "housing",
            title: "楼道灯坏了",
            dueBy: "2026-10-08T17:30:00+08:00",
            overdue: true,
            supervised: true
        )
        if case .object(var fields) = t {
            fields["channel"] = "hotline"
            fields["submissionId"] = "C-889"
            fields["citizen"] = ["name": "张**", "phone": "138****5678"]
            fields["location"] = ["district": "鼓楼区", "address": "中山路 12 号"]
            fields["receivedAt"] = "2026-09-28T09:12:00+08:00"
            fields["coUnits"] = ["water"]
            fields["content"] = "三号楼二单元楼道灯坏了两个星期，晚上老人上下楼很危险。"
            t = .object(fields)
        }
        let events: [JSONValue] = [
            [
                "at": "2026-09-28T09:12:00+08:00", "kind": "received", "role": "operator", "actorUid": 1001,
                "unit": .null, "note": .null,
            ],
            [
                "at": "2026-09-28T09:12:00+08:00", "kind": "dispatched", "role": "operator", "actorUid": 1001,
                "unit": "housing", "note": .null,
            ],
            [
                "at": "2026-09-28T10:03:00+08:00", "kind": "claimed", "role": "unit", "actorUid": 2004,
                "unit": "housing", "note": .null,
            ],
            [
                "at": "2026-10-08T17:30:01+08:00", "kind": "overdue", "role": "system", "actorUid": 0,
                "unit": "housing", "note": "resolve",
            ],
            [
                "at": "2026-10-09T08:40:00+08:00", "kind": "supervised", "role": "supervisor", "actorUid": 1002,
                "unit": .null,
                "note": "请住建局今日内处理并回复",
            ],
        ]
        try golden("show.txt", text.show(t, events: events))
    }

    @Test("Colour only when asked for, and never counted in the width")
    func colour() {
        let coloured = TicketText(style: Style(enabled: true), now: now, unitNames: names)
        let rendered = coloured.list(
            [
                ticket(
                    "20261008-0042",
                    "claimed",
                    unit: "housing",
                    title: "灯",
                    dueBy: "2026-10-08T17:30:00+08:00",
                    overdue: true
                )
            ],
            next: nil
        )
        #expect(rendered.contains("\u{1B}[31mOVERDUE\u{1B}[0m"))
        #expect(
            Style.strip(rendered)
                == text.list(
                    [
                        ticket(
                            "20261008-0042",
                            "claimed",
                            unit: "housing",
                            title: "灯",
                            dueBy: "2026-10-08T17:30:00+08:00",
                            overdue: true
                        )
                    ],
                    next: nil
                )
        )
        #expect(!Style(enabled: false).red("x").contains("\u{1B}"))
    }

    @Test("Error replies become sentences that say what to do, with distinct exit statuses")
    func errors() {
        let returned = ErrorSentence(
            error: "org.hotline.Dispatch.InvalidTransition",
            parameters: ["id": "20261129-0042", "status": "replied"],
            method: "org.hotline.Dispatch.Return",
            uid: 2001
        )
        #expect(returned.text == "ticket 20261129-0042 is replied; only a dispatched or claimed ticket can be returned")
        #expect(returned.status == ExitStatus.conflict)
        let missing = ErrorSentence(
            error: "org.hotline.Dispatch.NoSuchTicket",
            parameters: ["id": "20261129-9999"],
            method: "org.hotline.Dispatch.Get",
            uid: 2001
        )
        #expect(missing.text.hasPrefix("no ticket 20261129-9999") && missing.status == ExitStatus.notFound)
        let denied = ErrorSentence(
            error: "org.varlink.service.PermissionDenied",
            parameters: [:],
            method: "org.hotline.Dispatch.Stats",
            uid: 2001
        )
        #expect(
            denied.text.hasPrefix("permission denied: uid 2001 may not read the figures")
                && denied.status == ExitStatus.permission
        )
        let bad = ErrorSentence(
            error: "org.varlink.service.InvalidParameter",
            parameters: ["parameter": "coUnits"],
            method: "org.hotline.Dispatch.Dispatch",
            uid: 1001
        )
        #expect(bad.text.contains("--co-units") && bad.status == ExitStatus.usage)
        let full = ErrorSentence(
            error: "org.hotline.Dispatch.StorageFailure",
            parameters: ["reason": "the disk holding the database is full"],
            method: "org.hotline.Dispatch.Submit",
            uid: 1001
        )
        #expect(full.status == ExitStatus.temporary && full.text.contains("disk"))
        let statuses = [
            ExitStatus.failed, ExitStatus.usage, ExitStatus.conflict, ExitStatus.notFound, ExitStatus.unreachable,
            ExitStatus.temporary, ExitStatus.permission,
        ]
        #expect(Set(statuses).count == statuses.count)
    }

    @Test("Months become Stats periods in the centre's zone, the end exclusive")
    func months() throws {
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        let november = try #require(MonthlyReport.period(of: "2026-11", in: zone))
        #expect(november.from == "2026-11-01T00:00:00+08:00" && november.to == "2026-12-01T00:00:00+08:00")
        let december = try #require(MonthlyReport.period(of: "2026-12", in: zone))
        #expect(december.to == "2027-01-01T00:00:00+08:00")
        #expect(MonthlyReport.period(of: "2026-13", in: zone) == nil)
        #expect(MonthlyReport.period(of: "November", in: zone) == nil)
    }
}
