import Foundation
import Testing

@testable import HotlineCore

/// A ticket in `status`, led by water and co-handled by gas, with whatever the status implies.
func ticket(in status: TicketStatus, at now: Date) -> Ticket {
    var t = Ticket(id: "20260921-0001", channel: .hotline, submissionId: "s-1", content: "停水", receivedAt: now)
    t.status = status
    if status != .pending {
        t.unit = "water"
        t.coUnits = ["gas"]
        t.dispatchedAt = now
        t.claimBy = now.addingTimeInterval(7200)
        t.dueBy = now.addingTimeInterval(86400 * 14)
    }
    if status == .callback {
        t.callbackBy = now.addingTimeInterval(86400)
        t.rating = .dissatisfied
        t.solved = false
    }
    if status == .replied {
        t.repliedAt = now
        t.ratingBy = now.addingTimeInterval(3 * 86400)
    }
    if status == .closed {
        t.closedAs = .rated
        t.closedAt = now
    }
    t.extensionPending = true  // so that DecideExtension's own precondition holds
    t.extensionUntil = now.addingTimeInterval(86400 * 30)
    t.overdue = true  // so that ExplainOverdue's own precondition holds
    return t
}

/// One command per operation, issued by a caller allowed to issue it.
let commands: [(TicketCommand, Caller)] = [
    (.dispatch(unit: "power", coUnits: [], note: nil), operatorCaller),
    (.claim, waterCaller),
    (.progress(note: "已到现场"), waterCaller),
    (.return(reason: "不属于本单位"), waterCaller),
    (.requestExtension(reason: "管网改造", until: nil, longTerm: true), waterCaller),
    (.decideExtension(approve: true, note: nil), supervisorCaller),
    (.explainOverdue(reason: "暴雨"), waterCaller),
    (.reply(result: "已恢复供水"), waterCaller),
    (.rate(rating: .satisfied, solved: true, comment: nil), operatorCaller),
    (.callback(outcome: .explained, note: "已解释"), operatorCaller),
    (.merge(into: "20260921-0002"), operatorCaller),
    (.supervise(note: "督办"), supervisorCaller),
]

@Suite("The lifecycle state machine")
struct LifecycleTests {
    let lifecycle = Lifecycle(configuration: testConfiguration)
    let now = shanghai("2026-09-21 10:00")

    @Test(
        "Every method in every status: allowed exactly where the table says, InvalidTransition elsewhere",
        arguments: TicketStatus.allCases
    )
    func table(status: TicketStatus) throws {
        for (command, caller) in commands {
            var t = ticket(in: status, at: now)
            if case .requestExtension = command { t.extensionPending = false }
            let allowed = Lifecycle.allowedStatuses(for: command.operation).contains(status)
            // A unit sees a pending ticket only while it is dispatched to it: that is NoSuchTicket.
            if caller.role.unitID != nil && status == .pending {
                #expect(throws: HotlineError.noSuchTicket(id: t.id)) {
                    try lifecycle.apply(command, to: t, by: caller, at: now)
                }
                continue
            }
            if allowed {
                let transition = try lifecycle.apply(command, to: t, by: caller, at: now)
                #expect(transition.events.first?.actorUid == caller.uid, "\(command) in \(status)")
            } else {
                #expect(throws: HotlineError.invalidTransition(id: t.id, status: status), "\(command) in \(status)") {
                    try lifecycle.apply(command, to: t, by: caller, at: now)
                }
            }
        }
    }

    @Test("Where each method takes the ticket")
    func resultingStatus() throws {
        func run(_ command: TicketCommand, _ caller: Caller, from status: TicketStatus) throws -> Ticket {
            var t = ticket(in: status, at: now)
            t.extensionPending = false
            t.overdue = false
            return try lifecycle.apply(command, to: t, by: caller, at: now).ticket
        }
        #expect(
            try run(.dispatch(unit: "water", coUnits: ["gas"], note: nil), operatorCaller, from: .pending).status
                == .dispatched
        )
        #expect(try run(.claim, waterCaller, from: .dispatched).status == .claimed)
        #expect(try run(.return(reason: "非本单位"), waterCaller, from: .claimed).status == .pending)
        #expect(try run(.reply(result: "ok"), waterCaller, from: .claimed).status == .replied)
        #expect(try run(.reply(result: "ok"), waterCaller, from: .reopened).status == .replied)
        let good = try run(.rate(rating: .basic, solved: true, comment: nil), operatorCaller, from: .replied)
        #expect(good.status == .closed && good.closedAs == .rated)
        let bad = try run(
            .rate(rating: .veryDissatisfied, solved: false, comment: "没人来"),
            operatorCaller,
            from: .replied
        )
        #expect(bad.status == .callback)
        #expect(bad.callbackBy == shanghai("2026-09-22 17:30"))  // 1 working day
        let rectify = try run(.callback(outcome: .rectify, note: "再处理"), operatorCaller, from: .callback)
        #expect(rectify.status == .reopened && rectify.unit == "water")
        #expect(rectify.dueBy == shanghai("2026-09-29 17:30"))  // 5 working days, over Mid-Autumn
        let explained = try run(.callback(outcome: .explained, note: "已解释"), operatorCaller, from: .callback)
        #expect(explained.status == .closed && explained.closedAs == .callback)
        let merged = try run(.merge(into: "20260921-0002"), operatorCaller, from: .dispatched)
        #expect(merged.status == .closed && merged.closedAs == .duplicate && merged.duplicateOf == "20260921-0002")
    }

    @Test("Unreachable call-backs close the ticket at callback_attempts, not before")
    func unreachable() throws {
        var t = ticket(in: .callback, at: now)
        for attempt in 1...3 {
            t = try lifecycle.apply(.callback(outcome: .unreachable, note: "无人接听"), to: t, by: operatorCaller, at: now)
                .ticket
            #expect(t.callbackAttempts == attempt)
            #expect(t.status == (attempt < 3 ? .callback : .closed))
        }
        #expect(t.closedAs == .callback)
    }

    @Test("A bad-rated ticket owing its call-back cannot be merged or closed another way")
    func badRatingMustBeCalledBack() {
        let t = ticket(in: .callback, at: now)
        #expect(throws: HotlineError.invalidTransition(id: t.id, status: .callback)) {
            try lifecycle.apply(.merge(into: "20260921-0002"), to: t, by: operatorCaller, at: now)
        }
        #expect(throws: HotlineError.invalidTransition(id: t.id, status: .callback)) {
            try lifecycle.apply(
                .rate(rating: .satisfied, solved: true, comment: nil),
                to: t,
                by: operatorCaller,
                at: now
            )
        }
    }

    @Test("Return only within return_window (2 working days) of dispatch")
    func returnWindow() throws {
        var t = ticket(in: .dispatched, at: now)
        t.dispatchedAt = shanghai("2026-09-18 10:00")  // Friday; window ends Monday 9/21 17:30 (9/20 is a make-up day)
        _ = try lifecycle.apply(.return(reason: "非本单位"), to: t, by: waterCaller, at: shanghai("2026-09-21 17:30"))
        #expect(throws: HotlineError.invalidTransition(id: t.id, status: .dispatched)) {
            try lifecycle.apply(.return(reason: "非本单位"), to: t, by: waterCaller, at: shanghai("2026-09-21 17:31"))
        }
    }

    @Test("Extensions: until must be later; approval moves dueBy; long-term owes phase reports")
    func extensions() throws {
        var t = ticket(in: .claimed, at: now)
        t.extensionPending = false
        t.overdue = false
        #expect(
            throws: HotlineError.invalidParameter(parameter: "until", reason: "must be later than the current due time")
        ) {
            try lifecycle.apply(
                .requestExtension(reason: "r", until: now.addingTimeInterval(3600), longTerm: false),
                to: t,
                by: waterCaller,
                at: now
            )
        }
        #expect(throws: HotlineError.self) {
            try lifecycle.apply(
                .requestExtension(reason: "r", until: nil, longTerm: false),
                to: t,
                by: waterCaller,
                at: now
            )
        }
        let later = t.dueBy!.addingTimeInterval(86400 * 5)
        let requested = try lifecycle.apply(
            .requestExtension(reason: "r", until: later, longTerm: false),
            to: t,
            by: waterCaller,
            at: now
        ).ticket
        #expect(requested.extensionPending)
        #expect(throws: HotlineError.permissionDenied) {
            try lifecycle.apply(.decideExtension(approve: true, note: nil), to: requested, by: operatorCaller, at: now)
        }
        let approved = try lifecycle.apply(
            .decideExtension(approve: true, note: "同意"),
            to: requested,
            by: supervisorCaller,
            at: now
        ).ticket
        #expect(approved.dueBy == later && !approved.extensionPending)
        let refused = try lifecycle.apply(
            .decideExtension(approve: false, note: "不同意"),
            to: requested,
            by: supervisorCaller,
            at: now
        ).ticket
        #expect(refused.dueBy == t.dueBy && !refused.extensionPending)

        let longTermRequest = try lifecycle.apply(
            .requestExtension(reason: "长期", until: nil, longTerm: true),
            to: t,
            by: waterCaller,
            at: now
        ).ticket
        let longTerm = try lifecycle.apply(
            .decideExtension(approve: true, note: nil),
            to: longTermRequest,
            by: supervisorCaller,
            at: now
        ).ticket
        #expect(longTerm.longTerm && longTerm.dueBy == nil)
        #expect(longTerm.phaseDueBy == shanghai("2026-10-12 17:30"))  // 10 working days over two holiday breaks
        let later10 = shanghai("2026-10-12 09:00")
        let reported = try lifecycle.apply(.progress(note: "第一阶段完成"), to: longTerm, by: waterCaller, at: later10).ticket
        #expect(reported.phaseDueBy == official2026.deadline(after: later10, adding: .workingDays(10)))
    }

    @Test("ExplainOverdue needs a missed deadline")
    func explainOverdue() throws {
        var t = ticket(in: .claimed, at: now)
        t.overdue = false
        #expect(throws: HotlineError.invalidTransition(id: t.id, status: .claimed)) {
            try lifecycle.apply(.explainOverdue(reason: "暴雨"), to: t, by: waterCaller, at: now)
        }
        let late = t.dueBy!.addingTimeInterval(60)
        let explained = try lifecycle.apply(.explainOverdue(reason: "暴雨"), to: t, by: waterCaller, at: late)
        #expect(explained.events.first?.kind == .overdueExplained)
    }

    @Test("Blank reasons and notes are refused, naming the parameter")
    func blankText() {
        let t = ticket(in: .claimed, at: now)
        #expect(throws: HotlineError.invalidParameter(parameter: "result", reason: "must not be empty")) {
            try lifecycle.apply(.reply(result: "  "), to: t, by: waterCaller, at: now)
        }
    }

    @Test("Dispatch checks the units")
    func dispatchUnits() {
        let t = ticket(in: .pending, at: now)
        #expect(throws: HotlineError.noSuchUnit(unit: "sewer")) {
            try lifecycle.apply(.dispatch(unit: "sewer", coUnits: [], note: nil), to: t, by: operatorCaller, at: now)
        }
        #expect(throws: HotlineError.noSuchUnit(unit: "sewer")) {
            try lifecycle.apply(
                .dispatch(unit: "water", coUnits: ["sewer"], note: nil),
                to: t,
                by: operatorCaller,
                at: now
            )
        }
        #expect(throws: HotlineError.self) {
            try lifecycle.apply(
                .dispatch(unit: "water", coUnits: ["water"], note: nil),
                to: t,
                by: operatorCaller,
                at: now
            )
        }
    }
}

@Suite("Who may do what (contract §2)")
struct AccessTests {
    let lifecycle = Lifecycle(configuration: testConfiguration)
    let now = shanghai("2026-09-21 10:00")

    @Test("A unit that neither leads nor co-handles a ticket gets NoSuchTicket")
    func noLeak() {
        let t = ticket(in: .dispatched, at: now)
        #expect(throws: HotlineError.noSuchTicket(id: t.id)) {
            try lifecycle.apply(.claim, to: t, by: powerCaller, at: now)
        }
        #expect(throws: HotlineError.noSuchTicket(id: t.id)) {
            try lifecycle.apply(.progress(note: "x"), to: t, by: powerCaller, at: now)
        }
    }

    @Test("A co-unit may add progress but not claim or reply")
    func coUnit() throws {
        let t = ticket(in: .claimed, at: now)
        _ = try lifecycle.apply(.progress(note: "燃气管道已检查"), to: t, by: gasCaller, at: now)
        #expect(throws: HotlineError.permissionDenied) {
            try lifecycle.apply(.reply(result: "x"), to: t, by: gasCaller, at: now)
        }
        let d = ticket(in: .dispatched, at: now)
        #expect(throws: HotlineError.permissionDenied) { try lifecycle.apply(.claim, to: d, by: gasCaller, at: now) }
    }

    @Test("The centre does not do the units' work, and units do not do the centre's")
    func separation() {
        let d = ticket(in: .dispatched, at: now)
        #expect(throws: HotlineError.permissionDenied) {
            try lifecycle.apply(.claim, to: d, by: operatorCaller, at: now)
        }
        #expect(throws: HotlineError.permissionDenied) {
            try lifecycle.apply(.dispatch(unit: "power", coUnits: [], note: nil), to: d, by: waterCaller, at: now)
        }
        #expect(throws: HotlineError.permissionDenied) {
            try lifecycle.apply(.supervise(note: "x"), to: d, by: operatorCaller, at: now)
        }
        #expect(throws: HotlineError.permissionDenied) {
            try lifecycle.apply(.claim, to: d, by: strangerCaller, at: now)
        }
    }

    @Test(
        "The role table",
        arguments: [
            (Role.none, HotlineOperation.status, true), (.none, .get, false), (.none, .submit, false),
            (.unit("water"), .submit, false), (.unit("water"), .claim, true), (.unit("water"), .stats, true),
            (.operator, .submit, true), (.operator, .decideExtension, false), (.operator, .claim, false),
            (.supervisor, .decideExtension, true), (.supervisor, .supervise, true), (.supervisor, .setTime, false),
            (.admin, .setTime, true), (.admin, .merge, true), (.admin, .reply, false),
        ]
    )
    func roleTable(role: Role, operation: HotlineOperation, allowed: Bool) {
        #expect(role.may(operation) == allowed)
    }

    @Test("Credentials map to roles: root, supervisors before operators, units in order, groups count")
    func roleMap() {
        let map = RoleMap(
            operators: .init(uids: [1001], gids: [500]),
            supervisors: .init(uids: [1002], gids: [600]),
            units: [
                .init(id: "water", members: .init(uids: [2001], gids: [700])),
                .init(id: "power", members: .init(uids: [2001])),
            ]
        )
        #expect(map.role(of: PeerCredentials(uid: 0, gid: 0)) == .admin)
        #expect(map.role(of: PeerCredentials(uid: 1001, gid: 1001)) == .operator)
        #expect(map.role(of: PeerCredentials(uid: 1001, gid: 1001, groups: [600])) == .supervisor)
        #expect(map.role(of: PeerCredentials(uid: 5, gid: 500)) == .operator)
        #expect(map.role(of: PeerCredentials(uid: 2001, gid: 2001)) == .unit("water"))
        #expect(map.role(of: PeerCredentials(uid: 9, gid: 9, groups: [700])) == .unit("water"))
        #expect(map.role(of: PeerCredentials(uid: 9, gid: 9, groups: [1, 2])) == Role.none)
    }

    @Test("Units see the citizen masked")
    func masking() {
        #expect(ContactMasking.phone("13812345678") == "138****5678")
        #expect(ContactMasking.phone("07308888888") == "073****8888")
        #expect(ContactMasking.phone("12345") == "*****")
        #expect(ContactMasking.name("张三丰") == "张**")
        #expect(ContactMasking.name("李") == "李")
        #expect(ContactMasking.citizen(Citizen(name: "王五", phone: nil)) == Citizen(name: "王*", phone: nil))
    }
}

@Suite("Submit and one-layer routing")
struct RoutingTests {
    let lifecycle = Lifecycle(configuration: testConfiguration)
    let now = shanghai("2026-09-21 10:00")

    @Test("The first matching route dispatches straight to its unit, with co-units")
    func firstMatch() {
        let t = lifecycle.submit(
            Submission(channel: .hotline, submissionId: "a", content: "小区停水了", category: "power"),
            id: "x",
            by: operatorCaller,
            at: now
        )
        #expect(t.ticket.status == .dispatched && t.ticket.unit == "water" && t.ticket.coUnits == ["gas"])
        #expect(t.events.map(\.kind) == [.submitted, .dispatched])
        #expect(t.ticket.claimBy == shanghai("2026-09-21 12:00"))  // 2 working hours
        #expect(t.ticket.dueBy == shanghai("2026-10-12 17:30"))  // 10 working days from receipt
    }

    @Test("Keywords match the title too; category and district must match exactly")
    func criteria() {
        let route = Route(unit: "water", category: "water-supply", keywords: ["停水"], district: "岳阳楼区")
        #expect(route.matches(category: "water-supply", title: "停水", content: "x", district: "岳阳楼区"))
        #expect(!route.matches(category: "water-supply", title: "停水", content: "x", district: "君山区"))
        #expect(!route.matches(category: "power", title: "停水", content: "x", district: "岳阳楼区"))
        #expect(!route.matches(category: "water-supply", title: "水压低", content: "x", district: "岳阳楼区"))
        #expect(Route(unit: "water").matches(category: nil, title: nil, content: "", district: nil))
    }

    @Test("No match leaves the ticket pending")
    func pending() {
        let t = lifecycle.submit(
            Submission(channel: .mailbox, submissionId: "b", content: "建议增加公交线路"),
            id: "x",
            by: operatorCaller,
            at: now
        )
        #expect(t.ticket.status == .pending && t.ticket.unit == nil && t.ticket.dueBy == nil)
        #expect(t.events.map(\.kind) == [.submitted, .queued])
    }

    @Test("Route overrides, urgent tickets and explicit deadlines")
    func deadlines() {
        let routed = lifecycle.submit(
            Submission(channel: .hotline, submissionId: "c", content: "停电", category: "power"),
            id: "x",
            by: operatorCaller,
            at: now
        ).ticket
        #expect(routed.claimBy == shanghai("2026-09-21 11:00") && routed.dueBy == shanghai("2026-09-22 10:00"))
        let urgent = lifecycle.submit(
            Submission(channel: .hotline, submissionId: "d", content: "停水", priority: .urgent),
            id: "x",
            by: operatorCaller,
            at: now
        ).ticket
        #expect(urgent.claimBy == shanghai("2026-09-21 10:30") && urgent.dueBy == shanghai("2026-09-22 10:00"))
        let explicit = shanghai("2026-09-23 12:00")
        let given = lifecycle.submit(
            Submission(channel: .hotline, submissionId: "e", content: "停水", deadline: explicit),
            id: "x",
            by: operatorCaller,
            at: now
        ).ticket
        #expect(given.dueBy == explicit)
        let early = shanghai("2026-09-18 16:00")
        let received = lifecycle.submit(
            Submission(channel: .mailbox, submissionId: "f", content: "停水", receivedAt: early),
            id: "x",
            by: operatorCaller,
            at: now
        ).ticket
        // 10 working days from receipt (9/20 counts), not from now.
        #expect(received.dueBy == shanghai("2026-10-09 17:30"))
    }

    @Test("Idempotency compares the content, and receivedAt only when given")
    func idempotency() {
        let s = Submission(channel: .hotline, submissionId: "a", content: "停水", citizen: Citizen(phone: "13812345678"))
        let t = lifecycle.submit(s, id: "x", by: operatorCaller, at: now).ticket
        #expect(s.isSame(as: t))
        var other = s
        other.content = "停电"
        #expect(!other.isSame(as: t))
        var timed = s
        timed.receivedAt = now.addingTimeInterval(-60)
        #expect(!timed.isSame(as: t))
    }
}
