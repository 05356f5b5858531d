import Foundation
import HotlineTesting
import Synchronization
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

    @Test(
        "A server that asks for a password: the daemon reads it from database_password_file; a wrong one is refused by name and the daemon exits for systemd"
    )
    func passwordAuthentication() throws {
        let server = try TestPostgresServer()
        try TestPostgres.psql(server.url, "CREATE ROLE clerk LOGIN PASSWORD 'correct horse 电池'")
        try TestPostgres.psql(server.url, "CREATE DATABASE hotline_pw OWNER clerk")
        // Only the clerk needs a password (the test's own superuser stays on trust).
        let hba = server.folder + "/data/pg_hba.conf"
        let rules = try String(contentsOfFile: hba, encoding: .utf8)
        try ("local all clerk scram-sha-256\n" + rules).write(toFile: hba, atomically: true, encoding: .utf8)
        try TestPostgres.psql(server.url, "SELECT pg_reload_conf()")
        let url = server.url.replacingOccurrences(of: "postgres@/postgres?", with: "clerk@/hotline_pw?")
        #expect(url.contains("clerk@/hotline_pw?"), "\(url)")

        let daemon = try TestDaemon()
        let passwordFile = daemon.directory + "/db-password"
        let config = TestDaemon.standardConfig.replacingOccurrences(
            of: "[daemon]\n",
            with: "[daemon]\ndatabase_password_file = \"\(passwordFile)\"\n"
        )
        try config.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)

        try "wrong horse\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let refused = try ProcessResult.run(
            BuildProducts.hotlined,
            ["--config", daemon.configPath, "--socket", daemon.socket, "--database", url, "--manual-clock"]
        )
        #expect(refused.status == 69, "\(refused.stderr)")
        #expect(refused.stderr.contains("password authentication failed"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("wrong horse"), "the password is never logged")

        try "correct horse 电池\nanything after the first line is ignored\n".write(
            toFile: passwordFile,
            atomically: true,
            encoding: .utf8
        )
        daemon.databaseLocation = url
        try daemon.start()
        let id = try submit(daemon, "pw-1")
        #expect(try daemon.call("org.hotline.Dispatch.Get", ["id": .string(id)]).error == nil)
        #expect(!daemon.log.contains("correct horse"), "the password is never logged")
        #expect(daemon.stop() == 0)
    }

    @Test(
        "The primary killed and its synchronous standby promoted: the daemon moves to it by itself, and every Submit acknowledged before the kill is there"
    )
    func primaryFailover() throws {
        let primary = try TestPostgresServer()
        _ = try primary.freshDatabase()
        let standby = try TestPostgresServer(standbyOf: primary)
        let url =
            "postgresql://postgres@/hotline?host=\(primary.socketFolder),\(standby.socketFolder)&connect_timeout=2"
        let daemon = try TestDaemon()
        daemon.databaseLocation = url
        try daemon.start()

        // Submits acknowledged before the kill, from four clients at once.
        let acknowledged = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { client in
            for n in 0..<15 {
                if let id = try? submit(daemon, "f-\(client)-\(n)") { acknowledged.withLock { $0.append(id) } }
            }
        }
        let before = acknowledged.withLock { $0 }
        #expect(before.count == 60)

        try primary.kill()
        try standby.promote()
        let promoted = Date()
        var after: String?
        while after == nil, Date().timeIntervalSince(promoted) < 30 {
            after = try? submit(daemon, "f-after")
            if after == nil { usleep(200_000) }
        }
        let moved = Date().timeIntervalSince(promoted)
        #expect(after != nil && moved < 15, "a Submit succeeded \(moved) s after the promotion")
        #expect(daemon.log.contains("the database's primary moved"), "\(daemon.log.suffix(2000))")
        #expect(daemon.isRunning, "no restart")

        // On the new primary: every ticket acknowledged before the kill, whole, and the new one.
        let stored = try TestPostgres.psql(
            standby.url.replacingOccurrences(of: "@/postgres?", with: "@/hotline?"),
            "SELECT count(*) FROM ticket WHERE id = ANY('{\(before.joined(separator: ","))}')"
        )
        #expect(stored == "60")
        for id in before.prefix(5) + [after ?? ""] {
            let got = try daemon.call("org.hotline.Dispatch.Get", ["id": .string(id)])
            #expect(got.error == nil && got.parameters["events"]?.arrayValue?.count == 2, "\(id): \(got)")
        }
        #expect(daemon.stop() == 0)
    }
}
