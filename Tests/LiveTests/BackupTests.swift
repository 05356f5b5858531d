import Foundation
import HotlineTesting
import Synchronization
import Testing
import Varlink

#if canImport(Glibc)
import Glibc
#endif

@Suite("Backup: a consistent, synced, checksummed copy while the daemon serves", .serialized)
struct BackupTests {
    /// The standard configuration with `lines` added to its `[daemon]` section.
    static func config(_ lines: String) -> String {
        TestDaemon.standardConfig.replacingOccurrences(of: "[daemon]\n", with: "[daemon]\n\(lines)\n")
    }

    /// What the submitting clients were told, and when.
    final class Acknowledged: Sendable {
        /// Ticket ids with the moment their Submit was answered.
        let tickets = Mutex<[(id: String, at: ContinuousClock.Instant)]>([])
        let failures = Mutex<[String]>([])
        let stop = Atomic<Bool>(false)
    }

    /// Eight clients submitting on their own connections until `stop`.
    static func load(_ daemon: TestDaemon, into acknowledged: Acknowledged) -> DispatchGroup {
        let group = DispatchGroup()
        for client in 0..<8 {
            group.enter()
            let socket = daemon.socket
            Thread {
                defer { group.leave() }
                guard let connection = try? VarlinkConnection(path: socket) else {
                    acknowledged.failures.withLock { $0.append("client \(client) could not connect") }
                    return
                }
                var n = 0
                while !acknowledged.stop.load(ordering: .relaxed) {
                    let key = "backup-\(client)-\(n)"
                    let reply = try? connection.call(
                        "org.hotline.Dispatch.Submit",
                        ["channel": "mailbox", "submissionId": .string(key), "content": .string("来信\(n)：路灯不亮")]
                    )
                    guard let reply, reply.error == nil, let id = reply.parameters["ticket"]?["id"]?.stringValue
                    else {
                        acknowledged.failures.withLock { $0.append("\(key): \(String(describing: reply))") }
                        return
                    }
                    acknowledged.tickets.withLock { $0.append((id, ContinuousClock.now)) }
                    n += 1
                }
            }.start()
        }
        return group
    }

    /// `sqlite3 FILE SQL`'s output.
    static func sqlite(_ file: String, _ sql: String) throws -> String {
        let result = try ProcessResult.run("/usr/bin/sqlite3", [file, sql])
        guard result.status == 0 else { throw TestDaemonError.clientFailed("sqlite3: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(
        "Taken while 8 clients submit, the copy holds every ticket acknowledged before Backup was called, passes integrity_check, and a daemon started on it serves them",
        .enabled(if: TestBackend.isSQLite, "PostgreSQL's backups are the server's own (NotSupported test)")
    )
    func copyUnderLoad() throws {
        let daemon = try startedDaemon()
        let connection = try daemon.connect()
        for n in 0..<3000 {
            let reply = try connection.call(
                "org.hotline.Dispatch.Submit",
                ["channel": "hotline", "submissionId": .string("before-\(n)"), "content": "小区停水三天了"]
            )
            try #require(reply.error == nil)
        }
        let acknowledged = Acknowledged()
        let clients = Self.load(daemon, into: acknowledged)
        usleep(300_000)
        let called = ContinuousClock.now
        let reply = try daemon.call("org.hotline.Dispatch.Backup")
        let answered = ContinuousClock.now
        usleep(200_000)
        acknowledged.stop.store(true, ordering: .relaxed)
        clients.wait()
        #expect(acknowledged.failures.withLock { $0 } == [])
        try #require(reply.error == nil, "\(reply)")

        let path = try #require(reply.parameters["path"]?.stringValue)
        #expect(path.hasPrefix(daemon.directory + "/backups/hotline-"))
        #expect(path.hasSuffix("Z.db"))
        let tickets = acknowledged.tickets.withLock { $0 }
        let before = Set(tickets.filter { $0.at < called }.map(\.id))
        let after = Set(tickets.filter { $0.at > answered }.map(\.id))
        #expect(before.count > 50, "the clients were not submitting when Backup was called")
        #expect(!after.isEmpty, "nothing was acknowledged after Backup answered")

        // The file is what the reply says.
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.size] as? Int).map(Int64.init) == reply.parameters["bytes"]?.intValue)
        let sum = try ProcessResult.run("/usr/bin/sha256sum", [path])
        #expect(sum.stdout.split(separator: " ").first.map(String.init) == reply.parameters["sha256"]?.stringValue)
        let check = try ProcessResult.run(
            "/bin/sh",
            ["-c", "cd \"$(dirname \"$1\")\" && sha256sum -c \"$(basename \"$1\").sha256\"", "sh", path]
        )
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: daemon.directory + "/backups").sorted() == [
                (path as NSString).lastPathComponent, (path as NSString).lastPathComponent + ".sha256",
            ]
        )

        // Consistent, and holding everything acknowledged before the call.
        #expect(try Self.sqlite(path, "PRAGMA integrity_check") == "ok")
        #expect(try Self.sqlite(path, "PRAGMA foreign_key_check") == "")
        let inCopy = Set(try Self.sqlite(path, "SELECT id FROM ticket").split(separator: "\n").map(String.init))
        #expect(Int64(inCopy.count) == reply.parameters["tickets"]?.intValue)
        #expect(inCopy.count >= 3000 + before.count)
        #expect(before.subtracting(inCopy).isEmpty, "acknowledged before Backup but not in the copy")
        #expect(after.isDisjoint(with: inCopy), "the copy holds tickets acknowledged after Backup answered")

        // Restored: a daemon on the copy serves them.
        let restored = try TestDaemon()
        restored.databaseLocation = restored.directory + "/restored.db"
        try FileManager.default.copyItem(atPath: path, toPath: restored.directory + "/restored.db")
        try restored.start()
        let restoredConnection = try restored.connect()
        for id in before.sorted() {
            let got = try restoredConnection.call("org.hotline.Dispatch.Get", ["id": .string(id)])
            #expect(got.error == nil, "\(id) is not served from the copy")
        }
        // The copy goes on numbering where it stopped.
        let next = try submit(restored, "after-restore")
        #expect(!inCopy.contains(next))
    }

    @Test(
        "The folder keeps the newest backups_kept copies, each with a checksum sha256sum -c accepts; hotlinectl backup prints the copy",
        .enabled(if: TestBackend.isSQLite, "PostgreSQL's backups are the server's own (NotSupported test)")
    )
    func keepsTheNewest() throws {
        var template = Array("/tmp/hotline-backups-XXXXXX".utf8CString)
        let folder = String(cString: try #require(mkdtemp(&template))) + "/daily"
        defer { try? FileManager.default.removeItem(atPath: (folder as NSString).deletingLastPathComponent) }
        let daemon = try startedDaemon(config: Self.config("backup_directory = \"\(folder)\"\nbackups_kept = 2"))
        try submit(daemon, "kept-1")
        var paths: [String] = []
        for _ in 0..<3 {
            let reply = try daemon.call("org.hotline.Dispatch.Backup")
            try #require(reply.error == nil, "\(reply)")
            paths.append(try #require(reply.parameters["path"]?.stringValue))
        }
        #expect(Set(paths).count == 3, "three backups in one second got one name")
        let names = paths.map { ($0 as NSString).lastPathComponent }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
                == [names[1], names[1] + ".sha256", names[2], names[2] + ".sha256"].sorted()
        )
        let check = try ProcessResult.run("/bin/sh", ["-c", "cd \"$1\" && sha256sum -c *.sha256", "sh", folder])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")

        let printed = try ProcessResult.run(BuildProducts.hotlinectl, ["--socket", daemon.socket, "backup"])
        #expect(printed.status == 0, "\(printed.stderr)")
        let lines = printed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix(folder + "/hotline-") == true, "\(printed.stdout)")
        #expect(
            lines.count == 3 && lines[1].hasSuffix("1 tickets") && lines[2].hasPrefix("sha256 "),
            "\(printed.stdout)"
        )
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 4)
    }

    @Test(
        "A folder that cannot be written: StorageFailure naming it, nothing left behind, and the daemon serves on",
        .enabled(if: TestBackend.isSQLite, "PostgreSQL's backups are the server's own (NotSupported test)")
    )
    func unwritableFolder() throws {
        let daemon = try startedDaemon(config: Self.config("backup_directory = \"/dev/null/backups\""))
        let reply = try daemon.call("org.hotline.Dispatch.Backup")
        #expect(reply.errorName == "StorageFailure")
        let reason = reply.parameters["reason"]?.stringValue ?? ""
        #expect(reason.contains("/dev/null/backups") && reason.contains("backup_directory"), "\(reason)")
        try submit(daemon, "still-serving")
        let printed = try ProcessResult.run(BuildProducts.hotlinectl, ["--socket", daemon.socket, "backup"])
        #expect(printed.status == 75)
        #expect(printed.stderr.contains("no backup was made"), "\(printed.stderr)")
    }

    @Test("Only root may back up", .enabled(if: isRoot))
    func adminOnly() throws {
        let daemon = try startedDaemon()
        for identity in [Identity.operator, .supervisor, .water, .stranger] {
            #expect(try daemon.call("org.hotline.Dispatch.Backup", as: identity).errorName == "PermissionDenied")
        }
    }

    @Test(
        "On PostgreSQL Backup answers NotSupported, pointing to the server's own backups; hotlinectl backup exits 78",
        .enabled(if: !TestBackend.isSQLite, "the SQLite copy has its own tests")
    )
    func notSupportedOnPostgres() throws {
        let daemon = try startedDaemon()
        let reply = try daemon.call("org.hotline.Dispatch.Backup")
        #expect(reply.errorName == "NotSupported")
        #expect(reply.parameters["reason"]?.stringValue?.contains("pg_dump") == true)
        let printed = try ProcessResult.run(BuildProducts.hotlinectl, ["--socket", daemon.socket, "backup"])
        #expect(printed.status == 78)
        #expect(printed.stderr.contains("pg_basebackup"), "\(printed.stderr)")
    }
}
