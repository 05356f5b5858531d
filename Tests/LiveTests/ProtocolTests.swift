import Foundation
import HotlineProtocol
import HotlineTesting
import Testing
import Varlink

@Suite("Varlink on the real socket", .serialized)
struct ProtocolTests {
    @Test("GetInfo lists the interfaces; GetInterfaceDescription returns the IDL")
    func info() throws {
        let daemon = try startedDaemon()
        let info = try daemon.call("org.varlink.service.GetInfo")
        #expect(info.parameters["product"] == "hotlined")
        #expect(
            info.parameters["interfaces"] == [
                "org.varlink.service", "org.hotline.Dispatch", "org.hotline.Knowledge", "org.hotline.Testing",
            ]
        )
        let knowledge = try daemon.call(
            "org.varlink.service.GetInterfaceDescription",
            ["interface": "org.hotline.Knowledge"]
        )
        #expect(knowledge.parameters["description"]?.stringValue == KnowledgeInterface.description)
        let idl = try daemon.call("org.varlink.service.GetInterfaceDescription", ["interface": "org.hotline.Dispatch"])
        #expect(idl.parameters["description"]?.stringValue == DispatchInterface.description)
        let missing = try daemon.call("org.varlink.service.GetInterfaceDescription", ["interface": "org.example.Nope"])
        #expect(
            missing.error == "org.varlink.service.InterfaceNotFound"
                && missing.parameters["interface"] == "org.example.Nope"
        )
    }

    @Test("A standard Varlink implementation parses the IDL and calls the daemon through it")
    func pythonVarlink() throws {
        let daemon = try startedDaemon()
        let script = """
            import sys, varlink
            with varlink.Client(address="unix:" + sys.argv[1]) as client:
                for name in ["org.hotline.Dispatch", "org.hotline.Knowledge", "org.hotline.Testing", "org.varlink.service"]:
                    interface = client.get_interface(name)
                    print(name, len(interface.members))
                with client.open("org.hotline.Dispatch", namespaced=True) as hotline:
                    reply = hotline.Submit(channel="mailbox", submissionId="py-1", content="建议增加公交线路")
                    print("submitted", reply.ticket.id, reply.ticket.status, reply.created)
                    status = hotline.Status()
                    print("open", status.open, "pending", status.pending)
                    try:
                        hotline.Get(id="20990101-9999")
                    except varlink.VarlinkError as e:
                        print("error", e.error())
                with client.open("org.hotline.Knowledge", namespaced=True) as knowledge:
                    added = knowledge.Add(title="停水怎么办", body="抢修热线", keywords=["停水"])
                    found = knowledge.Search(text="停水")
                    print("entry", added.entry.id, added.entry.version, "found", found.total, found.entries[0].title)
                    try:
                        knowledge.Update(id=added.entry.id, version=9, title="x")
                    except varlink.VarlinkError as e:
                        print("error", e.error(), e.parameters()["version"])
            """
        let result = try ProcessResult.run("/usr/bin/env", ["python3", "-c", script, daemon.socket])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("org.hotline.Dispatch "))
        #expect(result.stdout.contains("submitted 2"))
        #expect(result.stdout.contains("pending True"))
        #expect(result.stdout.contains("open 1 pending 1"))
        #expect(result.stdout.contains("error org.hotline.Dispatch.NoSuchTicket"))
        #expect(result.stdout.contains("org.hotline.Knowledge 11"), "two types, six methods, three errors")
        #expect(result.stdout.contains("entry K000001 1 found 1 停水怎么办"))
        #expect(result.stdout.contains("error org.hotline.Knowledge.StaleVersion 1"))
    }

    @Test("Unknown methods and interfaces get the standard errors")
    func unknown() throws {
        let daemon = try startedDaemon()
        #expect(try daemon.call("org.hotline.Dispatch.Frobnicate").error == "org.varlink.service.MethodNotFound")
        #expect(try daemon.call("org.example.Nope.Get").error == "org.varlink.service.InterfaceNotFound")
        let bad = try daemon.call("org.hotline.Dispatch.Get", ["id": 42])
        #expect(bad.error == "org.varlink.service.InvalidParameter" && bad.parameters["parameter"] == "id")
    }

    @Test("Pipelined calls are answered in call order")
    func pipelining() throws {
        let daemon = try startedDaemon()
        let connection = try daemon.connect()
        var bytes: [UInt8] = []
        for i in 0..<20 {
            var call = try VarlinkCall(
                method: "org.hotline.Dispatch.Submit",
                parameters: [
                    "channel": "web", "submissionId": .string("p-\(i)"), "content": .string("第\(i)件"),
                ]
            ).encoded()
            call.append(0)
            bytes += call
        }
        bytes += try VarlinkCall(method: "org.hotline.Dispatch.Frobnicate").encoded() + [0]
        bytes += try VarlinkCall(method: "org.hotline.Dispatch.Status").encoded() + [0]
        try connection.send(raw: bytes)
        for i in 0..<20 {
            let reply = try connection.receive()
            #expect(reply.parameters["ticket"]?["submissionId"]?.stringValue == "p-\(i)")
        }
        #expect(try connection.receive().errorName == "MethodNotFound")
        #expect(try connection.receive().parameters["open"] == 20)
    }

    @Test("A oneway call gets no reply but takes effect")
    func oneway() throws {
        let daemon = try startedDaemon()
        let connection = try daemon.connect()
        try connection.send(
            VarlinkCall(
                method: "org.hotline.Dispatch.Submit",
                parameters: ["channel": "web", "submissionId": "ow", "content": "x"],
                oneway: true
            )
        )
        let status = try connection.call("org.hotline.Dispatch.Status")
        #expect(status.parameters["open"] == 1)
    }

    /// Each bad input: an error reply where possible, that connection closed, a second
    /// connection and the stored data untouched.
    static let badInputs: [(String, [UInt8])] = [
        ("malformed JSON", Array(#"{"method": "org.hotline.Dispatch.Status""#.utf8) + [0]),
        (
            "invalid UTF-8",
            Array(#"{"method":"org.hotline.Dispatch.Status","parameters":{"x":""#.utf8) + [0xC3, 0x28]
                + Array(#""}}"#.utf8) + [0]
        ),
        ("a non-object", Array("[1, 2, 3]".utf8) + [0]),
        ("a missing method", Array(#"{"parameters": {}}"#.utf8) + [0]),
        (
            "a message over 1 MiB",
            Array(#"{"method":"org.hotline.Dispatch.Submit","parameters":{"content":""#.utf8)
                + [UInt8](repeating: UInt8(ascii: "a"), count: VarlinkLimits.maximumMessageSize + 10)
        ),
    ]

    @Test("Bad input gets an error, closes only that connection, and disturbs nothing else", arguments: badInputs)
    func badInput(name: String, bytes: [UInt8]) throws {
        let daemon = try startedDaemon()
        let id = try submit(daemon, "before")
        let bystander = try daemon.connect()
        #expect(try bystander.call("org.hotline.Dispatch.Status").parameters["open"] == 1)

        let attacker = try daemon.connect()
        try? attacker.send(raw: bytes)
        let reply = try attacker.receive()
        #expect(reply.error == "org.varlink.service.InvalidParameter", "\(name)")
        #expect(attacker.waitForClose(), "\(name): the connection stays open")

        #expect(daemon.isRunning)
        let after = try bystander.call("org.hotline.Dispatch.Get", ["id": .string(id)])
        #expect(after.parameters["ticket"]?["status"] == "dispatched")
        #expect(try bystander.call("org.hotline.Dispatch.Status").parameters["open"] == 1)
    }

    @Test("A client that hangs up mid-message disturbs nothing")
    func halfMessage() throws {
        let daemon = try startedDaemon()
        do {
            let quitter = try daemon.connect()
            try quitter.send(raw: Array(#"{"method":"org.hotline.Dispatch.Sta"#.utf8))
        }
        #expect(try daemon.call("org.hotline.Dispatch.Status").error == nil)
    }

    @Test("Submit is idempotent per (channel, submissionId); other content conflicts")
    func idempotency() throws {
        let daemon = try startedDaemon()
        let parameters: [String: JSONValue] = ["channel": "mailbox", "submissionId": "m-1", "content": "来信内容"]
        let first = try daemon.call("org.hotline.Dispatch.Submit", parameters)
        let again = try daemon.call("org.hotline.Dispatch.Submit", parameters)
        #expect(first.parameters["created"] == true && again.parameters["created"] == false)
        #expect(first.parameters["ticket"]?["id"] == again.parameters["ticket"]?["id"])
        var changed = parameters
        changed["content"] = "另一封信"
        let conflict = try daemon.call("org.hotline.Dispatch.Submit", changed)
        #expect(conflict.error == "org.hotline.Dispatch.SubmissionConflict")
        #expect(
            conflict.parameters["id"] == first.parameters["ticket"]?["id"] && conflict.parameters["field"] == "content"
        )
        #expect(try daemon.call("org.hotline.Dispatch.Status").parameters["open"] == 1)
    }

    @Test("List pages through every ticket with next")
    func paging() throws {
        let daemon = try startedDaemon()
        var ids: [String] = []
        for i in 0..<25 { ids.append(try submit(daemon, "l-\(i)")) }
        var seen: [String] = []
        var after: JSONValue = .null
        repeat {
            let page = try daemon.call("org.hotline.Dispatch.List", ["limit": 10, "after": after])
            seen += (page.parameters["tickets"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
            after = page.parameters["next"] ?? .null
        } while after != .null
        #expect(seen == ids)
        let tooMany = try daemon.call("org.hotline.Dispatch.List", ["limit": 5000])
        #expect(tooMany.error == "org.varlink.service.InvalidParameter" && tooMany.parameters["parameter"] == "limit")
    }
}
