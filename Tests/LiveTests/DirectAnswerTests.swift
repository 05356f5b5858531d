import Foundation
import HotlineTesting
import Testing
import Varlink

/// Direct answers (直接答复): the centre answers on the call, or from the pending queue.
@Suite("Direct answers at the centre", .serialized, .enabled(if: isRoot, "setpriv needs root"))
struct DirectAnswerTests {
    @Test("Submit with an answer: replied by the centre, not routed, rated like any reply; a rectify names its unit")
    func answeredOnTheCall() throws {
        let daemon = try startedDaemon()
        try setTime(daemon, "2026-09-21T09:00:00+08:00")
        let open = try daemon.call("org.hotline.Dispatch.Status").parameters["open"]
        // "停水" would route to water; with an answer no route is tried.
        let parameters: [String: JSONValue] = [
            "channel": "hotline", "submissionId": "d-1", "content": "停水通知在哪里看？",
            "answer": "停水通知在市水务集团公众号和小区公告栏发布。",
        ]
        let reply = try daemon.call("org.hotline.Dispatch.Submit", parameters, as: .operator)
        let ticket = try #require(reply.parameters["ticket"])
        let id = try #require(ticket["id"]?.stringValue)
        #expect(ticket["status"] == "replied" && ticket["answeredBy"] == "centre" && ticket["unit"] == .null)
        #expect(ticket["result"] == "停水通知在市水务集团公众号和小区公告栏发布。" && ticket["knowledge"] == [])
        #expect(ticket["ratingBy"]?.stringValue != nil && ticket["dispatchedAt"] == .null)
        let history = try daemon.call("org.hotline.Dispatch.Get", ["id": .string(id)]).parameters["events"]?.arrayValue
        #expect(history?.compactMap { $0["kind"]?.stringValue } == ["submitted", "answered"])
        #expect(
            try daemon.call("org.hotline.Dispatch.Status").parameters["open"]?.intValue == (open?.intValue ?? 0) + 1
        )

        // The same key and answer repeat it; another answer is a conflict naming the field.
        let again = try daemon.call("org.hotline.Dispatch.Submit", parameters, as: .operator)
        #expect(again.parameters["created"] == false && again.parameters["ticket"]?["id"] == .string(id))
        var other = parameters
        other["answer"] = "请拨打 96889 咨询。"
        let conflict = try daemon.call("org.hotline.Dispatch.Submit", other, as: .operator)
        #expect(conflict.errorName == "SubmissionConflict" && conflict.parameters["field"] == "answer")

        // A bad rating is called back; rectify needs a unit, a known one, and sends it there.
        try must(daemon, "Rate", ["id": .string(id), "rating": "dissatisfied", "solved": false], as: .operator)
        let callback: [String: JSONValue] = ["id": .string(id), "outcome": "rectify", "note": "需要上门"]
        let noUnit = try daemon.call("org.hotline.Dispatch.Callback", callback, as: .operator)
        #expect(noUnit.errorName == "InvalidParameter" && noUnit.parameters["parameter"] == "unit")
        var unknown = callback
        unknown["unit"] = "sewage"
        #expect(try daemon.call("org.hotline.Dispatch.Callback", unknown, as: .operator).errorName == "NoSuchUnit")
        var explained = callback
        explained["outcome"] = "explained"
        explained["unit"] = "water"
        let wrongOutcome = try daemon.call("org.hotline.Dispatch.Callback", explained, as: .operator)
        #expect(wrongOutcome.errorName == "InvalidParameter" && wrongOutcome.parameters["parameter"] == "unit")

        let water = try NoticeWatcher(daemon, as: .water)
        var rectify = callback
        rectify["unit"] = "water"
        let reopened = try must(daemon, "Callback", rectify, as: .operator)
        #expect(
            reopened["status"] == "reopened" && reopened["unit"] == "water" && reopened["dueBy"]?.stringValue != nil
        )
        #expect(notices(water.wait(for: 1), "reopened", id).count == 1)

        // Until the unit replies, the centre's answer is not the unit's reply.
        func waterRow() throws -> JSONValue? {
            try daemon.call(
                "org.hotline.Dispatch.Stats",
                ["from": "2026-09-21T00:00:00+08:00", "to": "2026-09-22T00:00:00+08:00"]
            ).parameters["units"]?.arrayValue?.first { $0["unit"] == "water" }
        }
        #expect(try waterRow()?["dispatched"] == 1 && waterRow()?["replied"] == 0)
        let replied = try must(daemon, "Reply", ["id": .string(id), "result": "已上门更换水表"], as: .water)
        #expect(replied["answeredBy"] == "unit" && replied["result"] == "已上门更换水表")
        #expect(try waterRow()?["replied"] == 1 && waterRow()?["rectified"] == 1)
        // Search knows the unit's answer, and no longer the centre's it replaced.
        func found(_ text: String) throws -> [String] {
            (try daemon.call("org.hotline.Dispatch.Search", ["text": .string(text)]).parameters["tickets"]?.arrayValue
                ?? []).compactMap { $0["id"]?.stringValue }
        }
        #expect(try found("水表") == [id] && found("更换水表") == [id])
        #expect(try found("公众") == [] && found("公告栏") == [])
        #expect(try found("停水") == [id])  // the citizen's words stay

        // The centre's own figures: the share it answered, and how those answers were rated.
        let day: [String: JSONValue] = ["from": "2026-09-21T00:00:00+08:00", "to": "2026-09-22T00:00:00+08:00"]
        _ = try submit(daemon, "d-3", content: "路灯不亮")  // received, not answered by the centre
        let centre = try #require(try daemon.call("org.hotline.Dispatch.Stats", day).parameters["centre"])
        let expected: [String: JSONValue] = [
            "received": 2, "answered": 1, "directRate": .double(0.5), "rated": 1, "satisfied": 0,
            "satisfactionRate": .double(0), "badRatings": 1, "callbacksDone": 1, "callbackRate": .double(1),
        ]
        for (field, value) in expected { #expect(centre[field]?.doubleValue == value.doubleValue, "centre.\(field)") }
        #expect(try daemon.call("org.hotline.Dispatch.Stats", day, as: .water).parameters["centre"] == .null)

        // Units do not answer at the centre.
        var unitTries = parameters
        unitTries["submissionId"] = "d-2"
        #expect(try daemon.call("org.hotline.Dispatch.Submit", unitTries, as: .water).errorName == "PermissionDenied")
    }

    @Test("Answer a pending ticket; only a pending one; cited entries must be in force, else nothing is stored")
    func answerPending() throws {
        let daemon = try startedDaemon()
        let pending = try submit(daemon, "p-1", content: "路灯不亮")
        let routed = try submit(daemon, "p-2")
        let cited = try daemon.call(
            "org.hotline.Dispatch.Answer",
            ["id": .string(pending), "answer": "已转告路灯管理所", "knowledge": ["K-404"]],
            as: .operator
        )
        #expect(cited.errorName == "NoSuchEntry" && cited.parameters["id"] == "K-404")
        #expect(
            try daemon.call("org.hotline.Dispatch.Get", ["id": .string(pending)]).parameters["ticket"]?["status"]
                == "pending"
        )
        let withEntry = try daemon.call(
            "org.hotline.Dispatch.Submit",
            ["channel": "hotline", "submissionId": "p-3", "content": "问", "answer": "答", "knowledge": ["K-1"]],
            as: .operator
        )
        #expect(withEntry.errorName == "NoSuchEntry")
        #expect(try daemon.call("org.hotline.Dispatch.Status").parameters["open"] == 2)

        let answered = try must(daemon, "Answer", ["id": .string(pending), "answer": "已转告路灯管理所"], as: .operator)
        #expect(
            answered["status"] == "replied" && answered["answeredBy"] == "centre" && answered["result"] == "已转告路灯管理所"
        )
        let notPending = try daemon.call(
            "org.hotline.Dispatch.Answer",
            ["id": .string(routed), "answer": "x"],
            as: .operator
        )
        #expect(notPending.errorName == "InvalidTransition")
        #expect(
            try daemon.call("org.hotline.Dispatch.Answer", ["id": .string(routed), "answer": "x"], as: .water).errorName
                == "PermissionDenied"
        )
    }

    @Test("hotlinectl submit --answer, answer, and show with the answer and who gave it")
    func commands() throws {
        let daemon = try startedDaemon()
        let submitted = try ctl(
            daemon,
            .operator,
            ["submit", "--submission-id", "c-1", "社保卡怎么补办？", "--answer", "携带身份证到社保大厅补办。"]
        )
        #expect(
            submitted.status == 0 && submitted.stdout.contains("answered by the centre"),
            "\(submitted.stdout)\(submitted.stderr)"
        )
        let id = String(submitted.stdout.split(separator: " ").first ?? "")
        let shown = try ctl(daemon, .operator, ["show", id])
        #expect(shown.stdout.contains("answer (centre)  携带身份证到社保大厅补办。"), "\(shown.stdout)")
        let pending = try submit(daemon, "c-2", content: "路灯不亮")
        let answered = try ctl(daemon, .operator, ["answer", pending, "--answer", "已转告路灯管理所"])
        #expect(answered.status == 0 && answered.stdout.contains("replied"), "\(answered.stderr)")
        let cited = try ctl(daemon, .operator, ["answer", pending, "--answer", "x", "--knowledge", "K-1"])
        #expect(
            cited.status == Exit.notFound && cited.stderr.contains("no knowledge-base entry K-1"),
            "\(cited.stderr)"
        )
    }
}
