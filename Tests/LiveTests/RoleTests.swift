import Foundation
import HotlineTesting
import Testing
import Varlink

/// Clients started under other uids with setpriv: the daemon sees their real credentials.
@Suite("Roles from peer credentials", .serialized, .enabled(if: isRoot, "setpriv needs root"))
struct RoleTests {
    @Test("Anyone may read GetInfo and Status; a stranger may do nothing else")
    func stranger() throws {
        let daemon = try startedDaemon()
        let id = try submit(daemon, "s-1")
        #expect(try daemon.call("org.varlink.service.GetInfo", as: .stranger).error == nil)
        #expect(try daemon.call("org.hotline.Dispatch.Status", as: .stranger).parameters["open"] == 1)
        for (method, parameters) in [
            ("Get", ["id": JSONValue.string(id)]), ("List", [:]),
            ("Submit", ["channel": "web", "submissionId": "x", "content": "x"]),
        ] {
            let reply = try daemon.call("org.hotline.Dispatch." + method, parameters, as: .stranger)
            #expect(reply.error == "org.varlink.service.PermissionDenied", "\(method)")
        }
    }

    @Test("An operator submits and sees the citizen whole; may not claim or decide extensions")
    func operatorRole() throws {
        let daemon = try startedDaemon()
        let reply = try daemon.call(
            "org.hotline.Dispatch.Submit",
            [
                "channel": "hotline", "submissionId": "op-1", "content": "小区停水",
                "citizen": ["name": "张三丰", "phone": "13812345678"],
            ],
            as: .operator
        )
        let ticket = try #require(reply.parameters["ticket"])
        #expect(ticket["citizen"]?["phone"] == "13812345678" && ticket["citizen"]?["name"] == "张三丰")
        let id = try #require(ticket["id"]?.stringValue)
        #expect(
            try daemon.call("org.hotline.Dispatch.Claim", ["id": .string(id)], as: .operator).errorName
                == "PermissionDenied"
        )
        #expect(
            try daemon.call("org.hotline.Dispatch.Supervise", ["id": .string(id), "note": "x"], as: .operator).errorName
                == "PermissionDenied"
        )
        let events =
            try daemon.call("org.hotline.Dispatch.Get", ["id": .string(id)]).parameters["events"]?.arrayValue ?? []
        #expect(events.first?["actorUid"] == 1001 && events.first?["role"] == "operator")
    }

    @Test("A unit sees its own tickets masked, and another unit's not at all")
    func units() throws {
        let daemon = try startedDaemon()
        let id = try submit(daemon, "u-1")  // routed to water, co-handled by gas
        let other = try submit(daemon, "u-2", content: "路灯不亮")  // pending
        let asWater = try daemon.call("org.hotline.Dispatch.Get", ["id": .string(id)], as: .water)
        #expect(asWater.parameters["ticket"]?["citizen"]?["phone"] == "138****5678")
        #expect(asWater.parameters["ticket"]?["citizen"]?["name"] == "张**")
        #expect(try daemon.call("org.hotline.Dispatch.Get", ["id": .string(id)], as: .gas).error == nil)

        // The no-leak rule: a unit gets NoSuchTicket for a ticket it neither leads nor co-handles,
        // exactly as for one that does not exist.
        let asPower = try daemon.call("org.hotline.Dispatch.Get", ["id": .string(id)], as: .power)
        let nonexistent = try daemon.call("org.hotline.Dispatch.Get", ["id": "20990101-0001"], as: .power)
        #expect(asPower.errorName == "NoSuchTicket" && nonexistent.errorName == "NoSuchTicket")
        #expect(
            try daemon.call("org.hotline.Dispatch.Claim", ["id": .string(id)], as: .power).errorName == "NoSuchTicket"
        )
        #expect(
            try daemon.call("org.hotline.Dispatch.Get", ["id": .string(other)], as: .water).errorName == "NoSuchTicket"
        )

        let list = try daemon.call("org.hotline.Dispatch.List", [:], as: .water)
        #expect(list.parameters["tickets"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [id])
        #expect(try daemon.call("org.hotline.Dispatch.List", [:], as: .power).parameters["tickets"] == [])

        // The co-unit may report progress but not claim.
        #expect(
            try daemon.call("org.hotline.Dispatch.Progress", ["id": .string(id), "note": "燃气管道已检查"], as: .gas).error
                == nil
        )
        #expect(
            try daemon.call("org.hotline.Dispatch.Claim", ["id": .string(id)], as: .gas).errorName == "PermissionDenied"
        )
        #expect(try daemon.call("org.hotline.Dispatch.Claim", ["id": .string(id)], as: .water).error == nil)
        #expect(
            try daemon.call(
                "org.hotline.Dispatch.Submit",
                ["channel": "web", "submissionId": "w", "content": "x"],
                as: .water
            ).errorName == "PermissionDenied"
        )
    }

    @Test("Supplementary groups count: a member of the supervisors' group supervises")
    func groups() throws {
        let daemon = try startedDaemon()
        let id = try submit(daemon, "g-1")
        let member = Identity(uid: 5555, groups: [4242])
        #expect(
            try daemon.call("org.hotline.Dispatch.Supervise", ["id": .string(id), "note": "市领导督办"], as: member).error
                == nil
        )
        let unitMember = Identity(uid: 5556, groups: [4201])
        #expect(try daemon.call("org.hotline.Dispatch.Claim", ["id": .string(id)], as: unitMember).error == nil)
        let outsider = Identity(uid: 5557, groups: [4243])
        #expect(
            try daemon.call("org.hotline.Dispatch.Get", ["id": .string(id)], as: outsider).errorName
                == "PermissionDenied"
        )
    }

    @Test("Only admin moves the manual clock")
    func setTime() throws {
        let daemon = try startedDaemon()
        let time: [String: JSONValue] = ["now": "2026-10-09T10:00:00+08:00"]
        #expect(try daemon.call("org.hotline.Testing.SetTime", time, as: .supervisor).errorName == "PermissionDenied")
        #expect(try daemon.call("org.hotline.Testing.SetTime", time).error == nil)
        let id = try submit(daemon, "t-1")
        let ticket = try daemon.call("org.hotline.Dispatch.Get", ["id": .string(id)]).parameters["ticket"]
        #expect(ticket?["receivedAt"] == "2026-10-09T10:00:00+08:00")
        #expect(id.hasPrefix("20261009-"))
    }
}
