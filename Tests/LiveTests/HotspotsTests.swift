import Foundation
import HotlineTesting
import Testing
import Varlink

/// What the city is calling about (contract §9 Hotspots): a period's tickets by one key,
/// against the period of the same length before it.
@Suite("Hotspots on the live daemon", .serialized, .enabled(if: isRoot, "setpriv needs root"))
struct HotspotsTests {
    /// September: two water tickets in 岳阳楼区 and a power one in 君山区. October: three water
    /// tickets (two in 岳阳楼区, one without a district, one by mailbox), a roads one in 君山区
    /// and one without a category or district.
    func daemonWithTwoMonths() throws -> TestDaemon {
        let daemon = try startedDaemon()
        let yueyang: JSONValue = ["district": "岳阳楼区"]
        let junshan: JSONValue = ["district": "君山区"]
        try setTime(daemon, "2026-09-10T09:00:00+08:00")
        _ = try submit(daemon, "s-1", extra: ["category": "water", "location": yueyang])
        _ = try submit(daemon, "s-2", extra: ["category": "water", "location": yueyang])
        _ = try submit(daemon, "s-3", content: "电压不稳", extra: ["category": "power", "location": junshan])
        try setTime(daemon, "2026-10-10T09:00:00+08:00")
        _ = try submit(daemon, "o-1", extra: ["category": "water", "location": yueyang])
        _ = try submit(daemon, "o-2", extra: ["category": "water", "location": yueyang, "channel": "mailbox"])
        _ = try submit(daemon, "o-3", extra: ["category": "water"])
        _ = try submit(daemon, "o-4", content: "井盖缺失", extra: ["category": "roads", "location": junshan])
        _ = try submit(daemon, "o-5", content: "井盖缺失")
        // November's tickets are in neither period.
        try setTime(daemon, "2026-11-02T09:00:00+08:00")
        _ = try submit(daemon, "n-1", extra: ["category": "water"])
        return daemon
    }

    static let october: [String: JSONValue] = ["from": "2026-10-01T00:00:00+08:00", "to": "2026-11-01T00:00:00+08:00"]

    func hotspots(
        _ daemon: TestDaemon,
        by key: String,
        limit: Int? = nil,
        as identity: Identity = .operator
    ) throws
        -> VarlinkReply
    {
        var parameters = Self.october
        parameters["by"] = .string(key)
        if let limit { parameters["limit"] = .int(Int64(limit)) }
        return try daemon.call("org.hotline.Dispatch.Hotspots", parameters, as: identity)
    }

    /// The rows as (key, count, previous, change).
    func rows(_ reply: VarlinkReply) -> [[JSONValue]] {
        (reply.parameters["rows"]?.arrayValue ?? []).map {
            // A whole change (0) may come as 0 or 0.0: compared as a number.
            [
                $0["key"] ?? .null, $0["count"] ?? .null, $0["previous"] ?? .null,
                $0["change"]?.doubleValue.map(JSONValue.double) ?? .null,
            ]
        }
    }

    @Test("Counts by category, district, unit and channel, with the month before, the change and a null key")
    func figures() throws {
        let daemon = try daemonWithTwoMonths()
        let category = try hotspots(daemon, by: "category")
        #expect(category.parameters["total"] == 5)
        #expect(rows(category) == [["water", 3, 2, .double(0.5)], ["roads", 1, 0, .null], [.null, 1, 0, .null]])
        let district = try hotspots(daemon, by: "district", as: .supervisor)
        #expect(rows(district) == [["岳阳楼区", 2, 2, .double(0)], [.null, 2, 0, .null], ["君山区", 1, 1, .double(0)]])
        #expect(rows(try hotspots(daemon, by: "district", limit: 1)) == [["岳阳楼区", 2, 2, .double(0)]])
        let unit = try hotspots(daemon, by: "unit")
        #expect(rows(unit) == [["water", 3, 2, .double(0.5)], [.null, 2, 0, .null]])
        let channel = try hotspots(daemon, by: "channel")
        #expect(rows(channel) == [["hotline", 4, 3, .double(1.0 / 3.0)], ["mailbox", 1, 0, .null]])
    }

    @Test("Operators and supervisors only; a bad key or period is named")
    func refusals() throws {
        let daemon = try startedDaemon()
        #expect(try hotspots(daemon, by: "category", as: .water).errorName == "PermissionDenied")
        #expect(try hotspots(daemon, by: "category", as: .stranger).errorName == "PermissionDenied")
        let key = try hotspots(daemon, by: "street")
        #expect(key.errorName == "InvalidParameter" && key.parameters["parameter"] == "by")
        var backwards = Self.october
        backwards["to"] = "2026-09-01T00:00:00+08:00"
        backwards["by"] = "category"
        let period = try daemon.call("org.hotline.Dispatch.Hotspots", backwards, as: .operator)
        #expect(period.errorName == "InvalidParameter" && period.parameters["parameter"] == "to")
        var many = Self.october
        many["by"] = "category"
        many["limit"] = 101
        let limit = try daemon.call("org.hotline.Dispatch.Hotspots", many, as: .operator)
        #expect(limit.errorName == "InvalidParameter" && limit.parameters["parameter"] == "limit")
    }

    @Test("hotlinectl hotspots: a table of keys with share, the month before and the change; --json")
    func command() throws {
        let daemon = try daemonWithTwoMonths()
        let table = try ctl(daemon, .operator, ["hotspots", "--month", "2026-10", "--by", "district"])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("DISTRICT") == true, "\(table.stdout)")
        #expect(lines.contains { $0.hasPrefix("岳阳楼区") && $0.contains("40.0%") && $0.hasSuffix("+0.0%") })
        #expect(lines.contains { $0.hasPrefix("(none)") && $0.hasSuffix("–") })
        #expect(lines.last == "5 tickets in the period")
        let json = try ctl(daemon, .operator, ["--json", "hotspots", "--month", "2026-10", "--by", "unit"])
        #expect(json.status == 0 && json.stdout.contains("\"total\" : 5"), "\(json.stdout)")
        let refused = try ctl(daemon, .water, ["hotspots", "--month", "2026-10"])
        #expect(refused.status == Exit.permission, "\(refused.stderr)")
    }

    @Test("The monthly report draws the top categories and districts with the month before, as Hotspots counts them")
    func report() throws {
        let daemon = try daemonWithTwoMonths()
        let folder = daemon.directory
        for format in ["html", "text", "csv"] {
            let made = try ctl(
                daemon,
                nil,
                ["report", "--month", "2026-10", "--format", format, "--output", "\(folder)/report.\(format)"]
            )
            #expect(made.status == 0, "\(made.stderr)")
        }
        let page = try ReportFigures.read(String(contentsOfFile: folder + "/report.html", encoding: .utf8))
        #expect(page.links.isEmpty, "no scripts, no links")
        for key in ["category", "district"] {
            let expected = rows(try hotspots(daemon, by: key, limit: 10)).map { row in
                [
                    row[0].stringValue ?? "", row[1].intValue.map { String($0) } ?? "?",
                    row[2].intValue.map { String($0) } ?? "?",
                    row[3].doubleValue.map { $0 == $0.rounded() ? String(Int64($0)) : "\($0)" } ?? "",
                ]
            }
            #expect(expected.count >= 3)
            #expect(page.hotspots["hotspots-\(key)"] == expected, "\(page.hotspots)")
        }
        // October by category: water 3 (September 2, +50 %), then roads 1 (new) and the ticket without one.
        #expect(page.hotspots["hotspots-category"]?.first == ["water", "3", "2", "0.5"])
        let text = try String(contentsOfFile: folder + "/report.text", encoding: .utf8)
        #expect(text.contains("热点：诉求类别前 10") && text.contains("热点：区域前 10"))
        #expect(
            text.contains { $0 == "\n" }
                && text.split(separator: "\n").contains { $0.hasPrefix("water") && $0.hasSuffix("+50.0%") }
        )
        let csv = try String(contentsOfFile: folder + "/report.csv", encoding: .utf8).components(separatedBy: "\r\n")
        #expect(csv.contains("hotspot,rank,key,count,previous,change,share"))
        #expect(csv.contains("category,1,water,3,2,0.5,0.6"))
        #expect(csv.contains("district,1,岳阳楼区,2,2,0,0.4"))
        // A unit may not read the hot spots: its report has its own row and no hot-spot part.
        let unit = try ctl(daemon, .water, ["report", "--month", "2026-10", "--format", "text"])
        #expect(unit.status == 0 && !unit.stdout.contains("热点") && unit.stdout.contains("市水务集团"), "\(unit.stderr)")
    }
}
