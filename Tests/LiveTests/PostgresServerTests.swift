import Foundation
import HotlineTesting
import Testing
import Varlink

/// The daemon on a PostgreSQL server of the test's own, which the test crashes and starts again.
@Suite(
    "PostgreSQL: the server going away and coming back",
    .enabled(
        if: isRoot && FileManager.default.fileExists(atPath: "/usr/lib/postgresql"),
        "needs root and Debian's postgresql"
    )
)
struct PostgresServerTests {
    @Test(
        "The server crashes: calls answer StorageFailure naming it within seconds; it comes back: calls succeed without a daemon restart"
    )
    func reconnection() throws {
        let server = try TestPostgresServer()
        let daemon = try TestDaemon()
        daemon.databaseLocation = try server.freshDatabase()
        try daemon.start()
        let before = try submit(daemon, "r-1")

        try server.crash()
        let asked = Date()
        let refused = try daemon.call(
            "org.hotline.Dispatch.Submit",
            ["channel": "hotline", "submissionId": "r-2", "content": "小区停水三天了"]
        )
        let waited = Date().timeIntervalSince(asked)
        #expect(refused.error == "org.hotline.Dispatch.StorageFailure", "\(refused)")
        let reason = refused.parameters["reason"]?.stringValue ?? ""
        #expect(reason.contains(server.folder + "/socket") && reason.contains("nothing was stored"), "\(reason)")
        #expect(waited < 10, "the call is answered, not held (\(waited) s)")
        #expect(
            try daemon.call("org.hotline.Dispatch.Get", ["id": .string(before)]).error
                == "org.hotline.Dispatch.StorageFailure"
        )
        #expect(try daemon.call("org.varlink.service.GetInfo").error == nil, "the daemon itself answers")

        try server.resume()
        let resumed = Date()
        var accepted: VarlinkReply?
        while accepted == nil, Date().timeIntervalSince(resumed) < 60 {
            let reply = try daemon.call(
                "org.hotline.Dispatch.Submit",
                ["channel": "hotline", "submissionId": "r-2", "content": "小区停水三天了"]
            )
            if reply.error == nil { accepted = reply } else { usleep(250_000) }
        }
        #expect(
            accepted?.parameters["created"] == true,
            "a Submit is taken again within a minute of the server's return"
        )
        #expect(Date().timeIntervalSince(resumed) < 30)
        let stored = try daemon.call("org.hotline.Dispatch.Get", ["id": .string(before)])
        #expect(stored.parameters["events"]?.arrayValue?.count == 2, "the ticket from before the crash is whole")
        #expect(daemon.isRunning)
        #expect(daemon.stop() == 0)
    }
}
