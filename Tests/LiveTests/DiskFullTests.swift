import Foundation
import HotlineTesting
import Testing
import Varlink

#if canImport(Glibc)
import Glibc
#endif

@Suite("A full disk", .serialized)
struct DiskFullTests {
    /// A 12 MiB tmpfs mounted for one test, unmounted after.
    final class SmallFileSystem {
        let path: String
        init() throws {
            var template = Array("/tmp/hotline-full-XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
            path = String(cString: made)
            let result = try ProcessResult.run(
                "/usr/bin/mount",
                ["-t", "tmpfs", "-o", "size=12m,mode=0755", "tmpfs", path]
            )
            guard result.status == 0 else { throw TestDaemonError.clientFailed("mount: \(result.stderr)") }
        }
        /// Fills what is left with a file; returns its path.
        func fill() -> String {
            let filler = path + "/filler"
            let fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            let block = [UInt8](repeating: 0x55, count: 64 * 1024)
            while block.withUnsafeBytes({ write(fd, $0.baseAddress!, $0.count) }) > 0 {}
            // Bytes left over from the last partial block.
            while block.withUnsafeBytes({ write(fd, $0.baseAddress!, 1) }) == 1 {}
            close(fd)
            return filler
        }
        deinit {
            _ = try? ProcessResult.run("/usr/bin/umount", ["-l", path])
            rmdir(path)
        }
    }

    @Test(
        "Submit on a full disk answers StorageFailure saying so; stored tickets are intact; freeing space heals it without a restart",
        .enabled(if: isRoot),
        .enabled(if: TestBackend.isSQLite, "the database's own disk: an SQLite file on a small file system")
    )
    func diskFull() throws {
        let disk = try SmallFileSystem()
        let daemon = try TestDaemon()
        daemon.databaseLocation = disk.path + "/hotline.db"
        try daemon.start()
        var stored: [String] = []
        for n in 0..<5 { stored.append(try submit(daemon, "before-\(n)")) }

        let filler = disk.fill()
        let letter = String(repeating: "来信内容", count: 2000)  // 24 KB of UTF-8
        let connection = try daemon.connect()
        var failure: VarlinkReply?
        var acceptedWhileFilling: [String] = []
        for n in 0..<400 {
            let reply = try connection.call(
                "org.hotline.Dispatch.Submit",
                [
                    "channel": "mailbox", "submissionId": .string("full-\(n)"), "content": .string(letter),
                ]
            )
            if reply.error != nil {
                failure = reply
                break
            }
            acceptedWhileFilling.append(try #require(reply.parameters["ticket"]?["id"]?.stringValue))
        }
        let refused = try #require(failure, "the disk never filled")
        #expect(refused.errorName == "StorageFailure")
        let reason = refused.parameters["reason"]?.stringValue ?? ""
        #expect(reason.contains("disk holding the database is full"), "\(reason)")
        #expect(reason.contains("nothing was stored"))
        #expect(daemon.log.contains("storage failure"))

        // The same connection, and everything stored before, still work.
        for (n, id) in stored.enumerated() {
            let reply = try connection.call("org.hotline.Dispatch.Get", ["id": .string(id)])
            #expect(reply.parameters["ticket"]?["submissionId"] == .string("before-\(n)"))
        }
        #expect(try connection.call("org.hotline.Dispatch.Status").error == nil)

        // Free the space: the next Submit is stored, without a restart.
        unlink(filler)
        let healed = try connection.call(
            "org.hotline.Dispatch.Submit",
            [
                "channel": "mailbox", "submissionId": "after-the-cleanup", "content": "空间释放后的来信",
            ]
        )
        #expect(healed.error == nil, "\(healed)")
        #expect(healed.parameters["created"] == true)
        let open = try connection.call("org.hotline.Dispatch.Status").parameters["open"]?.intValue
        #expect(open == Int64(stored.count + acceptedWhileFilling.count + 1))
        daemon.stop()
        #expect(try daemon.query("PRAGMA integrity_check") == "ok")
    }
}
