import Foundation
import HotlineTesting
import Synchronization
import Testing
import Varlink

/// A call of `org.hotline.Knowledge.member` as `identity` (root, the admin, when nil).
func knowledge(
    _ daemon: TestDaemon,
    _ member: String,
    _ parameters: [String: JSONValue],
    as identity: Identity? = nil
) throws -> VarlinkReply {
    let method = "org.hotline.Knowledge." + member
    return try identity.map { try daemon.call(method, parameters, as: $0) } ?? daemon.call(method, parameters)
}

/// Adds an entry as root; returns it.
@discardableResult
func addEntry(
    _ daemon: TestDaemon,
    _ title: String,
    _ body: String,
    _ extra: [String: JSONValue] = [:]
) throws -> JSONValue {
    var parameters: [String: JSONValue] = ["title": .string(title), "body": .string(body)]
    parameters.merge(extra) { _, new in new }
    let reply = try knowledge(daemon, "Add", parameters)
    guard reply.error == nil, let entry = reply.parameters["entry"] else {
        throw TestDaemonError.clientFailed("Add failed: \(reply)")
    }
    return entry
}

/// The ids of a Search's entries, in order.
func searchedIDs(_ daemon: TestDaemon, _ parameters: [String: JSONValue]) throws -> [String] {
    let reply = try knowledge(daemon, "Search", parameters)
    guard reply.error == nil else { throw TestDaemonError.clientFailed("Search failed: \(reply)") }
    return (reply.parameters["entries"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
}

/// Another member of the supervisors (by the group 4242 of the test configuration).
let secondSupervisor = Identity(uid: 3100, groups: [4242])

@Suite("The knowledge base (知识库)", .serialized, .enabled(if: isRoot, "setpriv needs root"))
struct KnowledgeTests {
    @Test("Two supervisors update the same version at once: one wins, the other gets StaleVersion")
    func concurrentUpdates() throws {
        let daemon = try startedDaemon()
        let entry = try addEntry(daemon, "停水后多久恢复供水", "一般24小时内恢复。", ["category": "water-supply"])
        let id = try #require(entry["id"]?.stringValue)
        #expect(entry["version"] == 1 && entry["retired"] == false && entry["uses"] == 0)

        let replies = Mutex<[Int: VarlinkReply]>([:])
        let edits: [(Identity, String)] = [(.supervisor, "一般12小时内恢复。"), (secondSupervisor, "一般8小时内恢复。")]
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let (who, body) = edits[index]
            let reply = try? knowledge(
                daemon,
                "Update",
                ["id": .string(id), "version": 1, "body": .string(body)],
                as: who
            )
            replies.withLock { $0[index] = reply }
        }
        let both = replies.withLock { $0 }
        let won = both.filter { $0.value.error == nil }
        let lost = both.filter { $0.value.errorName == "StaleVersion" }
        try #require(won.count == 1 && lost.count == 1, "\(both)")
        let winner = try #require(won.first)
        #expect(winner.value.parameters["entry"]?["version"] == 2)
        #expect(
            lost.first?.value.parameters["version"] == 2 && lost.first?.value.parameters["id"] == .string(id),
            "StaleVersion names the current version"
        )
        #expect(lost.first?.value.error == "org.hotline.Knowledge.StaleVersion")

        let got = try knowledge(daemon, "Get", ["id": .string(id)])
        #expect(got.parameters["entry"]?["body"] == .string(edits[winner.key].1), "the winner's change stands")
        #expect(got.parameters["entry"]?["updatedBy"] == .int(Int64(edits[winner.key].0.uid)))
        let versions = got.parameters["versions"]?.arrayValue ?? []
        #expect(versions.count == 1 && versions.first?["version"] == 1 && versions.first?["body"] == "一般24小时内恢复。")
    }

    @Test("Every change is a new version; the earlier ones are kept as they were, oldest first")
    func versionsKept() throws {
        let daemon = try startedDaemon()
        try setTime(daemon, "2026-09-21T09:00:00+08:00")
        let id = try #require(addEntry(daemon, "社保卡补办", "带身份证到网点。", ["keywords": ["社保卡"]])["id"]?.stringValue)
        try setTime(daemon, "2026-09-22T09:00:00+08:00")
        let v2 = try knowledge(
            daemon,
            "Update",
            ["id": .string(id), "version": 1, "title": "社保卡丢失补办", "category": "social-insurance"],
            as: .supervisor
        )
        #expect(v2.parameters["entry"]?["version"] == 2 && v2.parameters["entry"]?["body"] == "带身份证到网点。")
        // Cited once while version 2 is current.
        try must(
            daemon,
            "Submit",
            [
                "channel": "hotline", "submissionId": "k-1", "content": "社保卡丢了", "answer": "到网点补办",
                "knowledge": [.string(id)],
            ],
            as: .operator
        )
        let v3 = try knowledge(daemon, "Update", ["id": .string(id), "version": 2, "category": ""], as: .supervisor)
        #expect(v3.parameters["entry"]?["category"] == .null, "an empty category removes it")
        let retired = try knowledge(daemon, "Retire", ["id": .string(id), "note": "政策调整"], as: .supervisor)
        #expect(retired.parameters["entry"]?["retired"] == true && retired.parameters["entry"]?["version"] == 4)
        let again = try knowledge(daemon, "Retire", ["id": .string(id), "note": "再次"], as: .supervisor)
        #expect(again.parameters["entry"]?["version"] == 4, "retiring a retired entry changes nothing")

        let got = try knowledge(daemon, "Get", ["id": .string(id)], as: .water)
        let versions = got.parameters["versions"]?.arrayValue ?? []
        #expect(versions.compactMap { $0["version"]?.intValue } == [1, 2, 3])
        #expect(versions[0]["title"] == "社保卡补办" && versions[0]["category"] == .null && versions[0]["uses"] == 0)
        #expect(versions[1]["title"] == "社保卡丢失补办" && versions[1]["category"] == "social-insurance")
        #expect(versions[1]["uses"] == 1, "a version carries the uses the entry had when it was replaced")
        #expect(versions[0]["updatedAt"] == "2026-09-21T09:00:00+08:00")
        #expect(versions[1]["updatedAt"] == "2026-09-22T09:00:00+08:00")
        #expect(versions.allSatisfy { $0["createdAt"] == "2026-09-21T09:00:00+08:00" && $0["retired"] == false })
        #expect(got.parameters["entry"]?["uses"] == 1)

        // Refusals name what is wrong.
        let nothing = try knowledge(daemon, "Update", ["id": .string(id), "version": 4], as: .supervisor)
        #expect(nothing.errorName == "InvalidParameter")
        let missing = try knowledge(daemon, "Update", ["id": "K999999", "version": 1, "title": "x"], as: .supervisor)
        #expect(missing.error == "org.hotline.Knowledge.NoSuchEntry" && missing.parameters["id"] == "K999999")
        let noVersion = try knowledge(daemon, "Update", ["id": .string(id), "title": "x"], as: .supervisor)
        #expect(noVersion.errorName == "InvalidParameter" && noVersion.parameters["parameter"] == "version")
        let badTime = try knowledge(
            daemon,
            "Add",
            ["title": "x", "body": "y", "validUntil": "tomorrow"],
            as: .supervisor
        )
        #expect(badTime.errorName == "InvalidParameter" && badTime.parameters["parameter"] == "validUntil")
    }

    @Test("Supervisors and admin change entries; operators and units only read; a stranger does neither")
    func roles() throws {
        let daemon = try startedDaemon()
        let id = try #require(addEntry(daemon, "停电报修", "拨打95598。")["id"]?.stringValue)
        #expect(try knowledge(daemon, "Add", ["title": "燃气泄漏", "body": "关阀开窗。"], as: .supervisor).error == nil)
        #expect(
            try knowledge(daemon, "Add", ["title": "水压低", "body": "联系物业。"], as: secondSupervisor).error == nil
        )
        for reader in [Identity.operator, .water] {
            #expect(
                try knowledge(daemon, "Add", ["title": "t", "body": "b"], as: reader).errorName == "PermissionDenied"
            )
            #expect(
                try knowledge(daemon, "Update", ["id": .string(id), "version": 1, "title": "t"], as: reader).errorName
                    == "PermissionDenied"
            )
            #expect(
                try knowledge(daemon, "Retire", ["id": .string(id), "note": "n"], as: reader).errorName
                    == "PermissionDenied"
            )
            #expect(
                try knowledge(
                    daemon,
                    "Import",
                    ["entries": [["title": "t", "body": "b"]], "commit": true],
                    as: reader
                )
                .errorName == "PermissionDenied"
            )
            let found = try knowledge(daemon, "Search", ["text": "停电"], as: reader)
            #expect(found.parameters["total"] == 1, "\(found)")
            #expect(
                try knowledge(daemon, "Get", ["id": .string(id)], as: reader).parameters["entry"]?["id"] == .string(id)
            )
        }
        #expect(try knowledge(daemon, "Search", ["text": "停电"], as: .stranger).errorName == "PermissionDenied")
        #expect(try knowledge(daemon, "Get", ["id": .string(id)], as: .stranger).errorName == "PermissionDenied")
        #expect(
            try knowledge(daemon, "Add", ["title": "t", "body": "b"], as: .stranger).errorName == "PermissionDenied"
        )
        #expect(try searchedIDs(daemon, ["text": "燃气 关阀"]).count == 1)
        #expect(try searchedIDs(daemon, ["text": "水压"]).count == 1)
    }

    @Test("Ranking: title matches first, then uses, then newest; retired and expired only when asked")
    func ranking() throws {
        let daemon = try startedDaemon()
        try setTime(daemon, "2026-09-21T09:00:00+08:00")
        let oldTitle = try #require(addEntry(daemon, "停水通知怎么查", "看小区公告。")["id"]?.stringValue)
        let usedBody = try #require(addEntry(daemon, "水压低怎么办", "可能是计划停水前后。")["id"]?.stringValue)
        let usedTitle = try #require(addEntry(daemon, "突发停水", "抢修热线24小时。")["id"]?.stringValue)
        let newTitle = try #require(addEntry(daemon, "停水后水浑", "放水几分钟。")["id"]?.stringValue)
        let retired = try #require(addEntry(daemon, "停水补偿（旧）", "已废止。")["id"]?.stringValue)
        let expiring = try #require(
            addEntry(daemon, "国庆停水检修安排", "十月一日检修。", ["validUntil": "2026-09-22T00:00:00+08:00"])["id"]?
                .stringValue
        )
        let keyword = try #require(addEntry(daemon, "来水时间", "一般次日恢复。", ["keywords": ["停水"]])["id"]?.stringValue)
        _ = try addEntry(daemon, "停电", "与水无关。")
        try #require(try knowledge(daemon, "Retire", ["id": .string(retired), "note": "废止"]).error == nil)
        // Uses: the body match 3, one title match 2, by the centre's direct answers.
        var n = 0
        for (id, times) in [(usedBody, 3), (usedTitle, 2)] {
            for _ in 0..<times {
                n += 1
                try must(
                    daemon,
                    "Submit",
                    [
                        "channel": "hotline", "submissionId": .string("r-\(n)"), "content": "停水了", "answer": "已答复",
                        "knowledge": [.string(id)],
                    ],
                    as: .operator
                )
            }
        }
        // Among equal title matches the newest version comes first (then the later added):
        // change the oldest one an hour later.
        try setTime(daemon, "2026-09-21T10:00:00+08:00")
        let touched = try knowledge(daemon, "Update", ["id": .string(oldTitle), "version": 1, "body": "看小区公告栏。"])
        #expect(touched.error == nil)

        #expect(
            try searchedIDs(daemon, ["text": "停水"])
                == [usedTitle, oldTitle, expiring, newTitle, usedBody, keyword]
        )
        try setTime(daemon, "2026-09-22T00:00:00+08:00")  // the schedule expires
        let inForce = try knowledge(daemon, "Search", ["text": "停水"])
        #expect(
            (inForce.parameters["entries"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
                == [usedTitle, oldTitle, newTitle, usedBody, keyword]
        )
        #expect(inForce.parameters["total"] == 5)
        let all = try searchedIDs(daemon, ["text": "停水", "includeRetired": true])
        #expect(all == [usedTitle, oldTitle, expiring, retired, newTitle, usedBody, keyword])
        // Every word in the title puts an entry first; limit and total.
        #expect(try searchedIDs(daemon, ["text": "停水 抢修"]) == [usedTitle])
        let limited = try knowledge(daemon, "Search", ["text": "停水", "limit": 2])
        #expect(limited.parameters["entries"]?.arrayValue?.count == 2 && limited.parameters["total"] == 5)
        // Words as in ticket search: one character is refused, a longer word must occur itself.
        #expect(try knowledge(daemon, "Search", ["text": "水"]).parameters["parameter"] == "text")
        #expect(try searchedIDs(daemon, ["text": "停水检修"]).isEmpty, "expired: left out")
        #expect(try searchedIDs(daemon, ["text": "停水检修", "includeRetired": true]) == [expiring])
        #expect(try searchedIDs(daemon, ["text": "水停"]).isEmpty)
        #expect(try searchedIDs(daemon, ["text": "停水", "category": "none"]).isEmpty)
    }

    @Test("An answer cites entries in force only: retired, expired or unknown is NoSuchEntry and nothing is stored")
    func citations() throws {
        let daemon = try startedDaemon()
        try setTime(daemon, "2026-09-21T09:00:00+08:00")
        let live = try #require(addEntry(daemon, "停水怎么办", "抢修。")["id"]?.stringValue)
        let retired = try #require(addEntry(daemon, "旧规定", "废止。")["id"]?.stringValue)
        let expired = try #require(
            addEntry(daemon, "临时安排", "九月底前有效。", ["validUntil": "2026-09-21T10:00:00+08:00"])["id"]?.stringValue
        )
        try #require(try knowledge(daemon, "Retire", ["id": .string(retired), "note": "废止"]).error == nil)
        try setTime(daemon, "2026-09-21T11:00:00+08:00")

        let pending = try submit(daemon, "c-1", content: "物业不作为")
        for cited in [retired, expired, "K999999"] {
            let submitted = try daemon.call(
                "org.hotline.Dispatch.Submit",
                [
                    "channel": "hotline", "submissionId": .string("c-\(cited)"), "content": "问题", "answer": "答复",
                    "knowledge": [.string(live), .string(cited)],
                ],
                as: .operator
            )
            #expect(
                submitted.error == "org.hotline.Dispatch.NoSuchEntry" && submitted.parameters["id"] == .string(cited)
            )
            let answered = try daemon.call(
                "org.hotline.Dispatch.Answer",
                ["id": .string(pending), "answer": "答复", "knowledge": [.string(cited)]],
                as: .operator
            )
            #expect(answered.errorName == "NoSuchEntry")
        }
        // Nothing was stored: no ticket for the refused submissions, the pending one still pending, no use counted.
        let found = try daemon.call("org.hotline.Dispatch.Search", ["text": "问题"])
        #expect(found.parameters["total"] == 0)
        #expect(
            try daemon.call("org.hotline.Dispatch.Get", ["id": .string(pending)]).parameters["ticket"]?["status"]
                == "pending"
        )
        #expect(try knowledge(daemon, "Get", ["id": .string(live)]).parameters["entry"]?["uses"] == 0)

        // In force: answered, cited, counted once however often named.
        let answered = try must(
            daemon,
            "Answer",
            ["id": .string(pending), "answer": "已联系物业", "knowledge": [.string(live), .string(live)]],
            as: .operator
        )
        #expect(answered["status"] == "replied" && answered["knowledge"]?.arrayValue?.contains(.string(live)) == true)
        #expect(try knowledge(daemon, "Get", ["id": .string(live)]).parameters["entry"]?["uses"] == 1)
        // A refused transition after the check counts nothing either.
        let twice = try daemon.call(
            "org.hotline.Dispatch.Answer",
            ["id": .string(pending), "answer": "再答", "knowledge": [.string(live)]],
            as: .operator
        )
        #expect(twice.errorName == "InvalidTransition")
        #expect(try knowledge(daemon, "Get", ["id": .string(live)]).parameters["entry"]?["uses"] == 1)
    }

    @Test("Import over several calls is one change: nothing searchable before the commit, a bad entry discards it")
    func stagedImport() throws {
        let daemon = try startedDaemon()
        let first = try knowledge(
            daemon,
            "Import",
            ["entries": [["title": "路灯不亮", "body": "报灯杆编号。"]]],
            as: .supervisor
        )
        let id = try #require(first.parameters["import"]?.stringValue)
        #expect(first.parameters["staged"] == 1 && first.parameters["added"] == 0)
        #expect(try searchedIDs(daemon, ["text": "路灯"]).isEmpty, "staged entries are not in force")
        // Another supervisor cannot add to it.
        let foreign = try knowledge(daemon, "Import", ["import": .string(id), "entries": []], as: secondSupervisor)
        #expect(foreign.error == "org.hotline.Knowledge.NoSuchImport")
        let second = try knowledge(
            daemon,
            "Import",
            [
                "import": .string(id), "entries": [["title": "井盖缺失", "body": "先设警示。", "keywords": ["井盖"]]],
                "commit": true,
            ],
            as: .supervisor
        )
        #expect(second.parameters["staged"] == 2 && second.parameters["added"] == 2)
        #expect(try searchedIDs(daemon, ["text": "路灯"]).count == 1 && searchedIDs(daemon, ["text": "井盖"]).count == 1)
        #expect(
            try knowledge(daemon, "Import", ["import": .string(id), "entries": [], "commit": true], as: .supervisor)
                .error
                == "org.hotline.Knowledge.NoSuchImport",
            "a committed import is closed"
        )

        let opened = try knowledge(
            daemon,
            "Import",
            ["entries": [["title": "占道经营", "body": "城管处置。"]]],
            as: .supervisor
        )
        let doomed = try #require(opened.parameters["import"]?.stringValue)
        let bad = try knowledge(
            daemon,
            "Import",
            ["import": .string(doomed), "entries": [["title": "好", "body": "好"], ["title": "坏"]], "commit": true],
            as: .supervisor
        )
        #expect(bad.errorName == "InvalidParameter" && bad.parameters["parameter"] == "entries[1].body")
        #expect(
            try knowledge(
                daemon,
                "Import",
                ["import": .string(doomed), "entries": [], "commit": true],
                as: .supervisor
            )
            .error == "org.hotline.Knowledge.NoSuchImport",
            "a bad entry discards the whole import"
        )
        #expect(try searchedIDs(daemon, ["text": "占道"]).isEmpty)
    }

    @Test("hotlinectl knowledge import: a bad row names its line and nothing is stored; a large file goes in whole")
    func importCommand() throws {
        let daemon = try startedDaemon()
        let folder = daemon.directory
        // Line 3's body spans two lines, so the bad record (the fourth) starts on line 5.
        let bad = """
            title,body,category,keywords
            停水怎么办,抢修热线,water-supply,停水;抢修
            停电怎么办,"先看空开，
            再报修",power,停电
            缺正文的一行,,power,
            燃气泄漏,关阀开窗,gas,燃气
            """
        try bad.write(toFile: folder + "/bad.csv", atomically: true, encoding: .utf8)
        let refused = try ctl(daemon, .supervisor, ["knowledge", "import", folder + "/bad.csv"])
        #expect(refused.status == Exit.usage && refused.stderr.contains("line 5"), "\(refused.stderr)")
        #expect(refused.stderr.contains("nothing was imported"))
        #expect(try searchedIDs(daemon, ["text": "停水"]).isEmpty)

        // The daemon's own refusal (a title over 200 characters) is named by the line too.
        let long = """
            {"title": "燃气开户", "body": "带房产证。"}
            {"title": "\(String(repeating: "长", count: 201))", "body": "正文"}
            """
        try long.write(toFile: folder + "/long.jsonl", atomically: true, encoding: .utf8)
        let tooLong = try ctl(daemon, .supervisor, ["knowledge", "import", folder + "/long.jsonl"])
        #expect(tooLong.status == Exit.usage && tooLong.stderr.contains("line 2"), "\(tooLong.stderr)")
        #expect(try searchedIDs(daemon, ["text": "燃气"]).isEmpty)

        // 3,000 entries of about 700 bytes: several messages, one transaction.
        var lines = ["title,body,category,keywords"]
        for index in 0..<3000 {
            let body = String(repeating: "市民来电咨询供水供电燃气问题，", count: 15) + "第\(index)条"
            lines.append("知识条目\(index),\"\(body)\",water-supply,条目;第\(index)条")
        }
        try lines.joined(separator: "\n").write(toFile: folder + "/large.csv", atomically: true, encoding: .utf8)
        let imported = try ctl(daemon, .supervisor, ["knowledge", "import", folder + "/large.csv"])
        #expect(imported.status == 0 && imported.stdout.contains("imported 3000 entries"), "\(imported.stderr)")
        let found = try knowledge(daemon, "Search", ["text": "知识条目", "limit": 1])
        #expect(found.parameters["total"] == 3000)
        let last = try knowledge(daemon, "Search", ["text": "第2999条"])
        #expect(
            last.parameters["total"] == 1
                && last.parameters["entries"]?.arrayValue?.first?["keywords"] == ["条目", "第2999条"]
        )
        #expect(ctlDenied(try ctl(daemon, .operator, ["knowledge", "import", folder + "/large.csv"])))
    }

    @Test("hotlinectl knowledge search fits the terminal with Chinese text aligned; show lists the versions")
    func searchTable() throws {
        let daemon = try startedDaemon()
        try addEntry(
            daemon,
            "计划停水多久恢复供水",
            String(repeating: "管网检修", count: 20) + "停水范围以通知为准。",
            ["category": "water-supply"]
        )
        try addEntry(daemon, "Wi-Fi 停水提醒", "短信提醒停水。")
        let id = try #require(addEntry(daemon, "突发停水", "抢修热线")["id"]?.stringValue)
        try #require(
            try knowledge(daemon, "Update", ["id": .string(id), "version": 1, "body": "抢修热线24小时"]).error == nil
        )
        let result = try ProcessResult.run(
            "/usr/bin/env",
            ["COLUMNS=72", BuildProducts.hotlinectl, "--socket", daemon.socket, "knowledge", "search", "停水"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5 && lines.last == "3 found", "\(lines)")
        #expect(lines.allSatisfy { displayWidth($0) <= 72 }, "\(lines)")
        // The excerpt column starts at the same terminal column on every row.
        let header = lines[0]
        let excerptColumn = displayWidth(String(header[..<header.range(of: "EXCERPT")!.lowerBound]))
        for line in lines[1...3] {
            #expect(line.contains("停水"), "the excerpt shows the match: \(line)")
            let uses = try #require(line.firstRange(of: #/  \d+  /#), "\(line)")
            #expect(displayWidth(String(line[..<uses.upperBound])) == excerptColumn, "\(lines)")
        }
        #expect(
            lines[3].contains("…") && lines[3].contains("停水范围"),
            "a long body is cut around the match: \(lines[3])"
        )
        let shown = try ctl(daemon, .water, ["knowledge", "show", id])
        #expect(shown.status == 0 && shown.stdout.contains("version 2") && shown.stdout.contains("earlier versions"))
    }
}

/// Whether hotlinectl was refused for the caller's role.
func ctlDenied(_ result: ProcessResult) -> Bool {
    result.status == Exit.permission && result.stderr.contains("may not change the knowledge base")
}

/// Terminal columns of `text`: East Asian wide characters take two.
func displayWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { width, scalar in
        let v = scalar.value
        let wide =
            (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v)
        return width + (wide ? 2 : 1)
    }
}
