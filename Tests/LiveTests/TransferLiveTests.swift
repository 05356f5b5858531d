import Foundation
import HotlineTesting
import Testing
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// Runs `hotlined transfer` with `arguments`.
func transfer(_ arguments: [String]) throws -> ProcessResult {
    try ProcessResult.run(BuildProducts.hotlined, ["transfer"] + arguments)
}

/// `hotlined transfer` as an operator runs it: from the database of this pass's backend into
/// one of the other backend (another SQLite file when no PostgreSQL server runs), then a
/// daemon started on the copy.
@Suite("hotlined transfer moves a site to the other backend", .serialized, .enabled(if: isRoot))
struct TransferLiveTests {
    /// An empty target of the other backend than this pass's, and where it is.
    func otherTarget(in folder: String) throws -> String {
        TestBackend.isSQLite && TestPostgres.available ? try TestPostgres.freshDatabase() : folder + "/moved.db"
    }

    @Test("The copy serves the same tickets and entries, numbering goes on; a second run is refused, the copy kept")
    func moveUp() throws {
        let source = try startedDaemon()
        let first = try submit(source, "t-1")
        let second = try submit(source, "t-2", content: "路灯不亮")
        try must(source, "Dispatch", ["id": .string(second), "unit": "power"], as: .operator)
        try must(source, "Claim", ["id": .string(first)], as: .water)
        let entry = try addEntry(source, "停水怎么办", "拨打 12345")
        let shown = try ctl(source, nil, ["show", first, "--json"])
        #expect(shown.status == 0)
        if !TestBackend.isSQLite {
            // Every daemon of a shared database holds or renews the clock's lease while it runs.
            let refused = try transfer(["--from", source.database, "--to", source.directory + "/early.db"])
            #expect(refused.status == 75, "\(refused.stderr)")
            #expect(refused.stderr.contains("stop every daemon"), "\(refused.stderr)")
        }
        #expect(source.stop() == 0)

        let target = try otherTarget(in: source.directory)
        let moved = try transfer(["--from", source.database, "--to", target])
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(
            moved.stdout.range(of: #"\ntickets +2  [0-9a-f]{64}\n"#, options: .regularExpression) != nil,
            "\(moved.stdout)"
        )
        #expect(moved.stdout.range(of: #"\nknowledge entries +1  [0-9a-f]{64}\n"#, options: .regularExpression) != nil)
        #expect(moved.stdout.contains("both hold the same, table by table"))
        #expect(moved.stderr.contains("copying 2 tickets, 1 knowledge-base entry"), "\(moved.stderr)")

        let again = try transfer(["--from", source.database, "--to", target])
        #expect(again.status == 73)
        #expect(again.stderr.contains("is not empty (it holds 2 tickets, 1 knowledge-base entry)"), "\(again.stderr)")

        let copy = try TestDaemon()
        copy.databaseLocation = target
        try copy.start()
        let copied = try ctl(copy, nil, ["show", first, "--json"])
        #expect(copied.status == 0, "\(copied.stderr)")
        #expect(copied.stdout == shown.stdout, "the ticket and its history, as Get answers them")
        let found = try knowledge(copy, "Get", ["id": entry["id"]!])
        #expect(found.parameters["entry"]?["title"] == "停水怎么办")
        let third = try submit(copy, "t-3")
        #expect(third.hasPrefix(String(first.prefix(9))) && third > second, "\(third) follows \(second)")
        let repeated = try copy.call(
            "org.hotline.Dispatch.Submit",
            [
                "channel": "hotline", "submissionId": "t-1", "content": "小区停水三天了",
                "citizen": ["name": "张三丰", "phone": "13812345678"],
            ]
        )
        #expect(repeated.parameters["ticket"]?["id"]?.stringValue == first, "the idempotency keys came along")
    }

    @Test("A missing source, the same database twice, a bad URL: refused with a sentence and a status")
    func refusals() throws {
        let folder = try TestDaemon()
        let missing = try transfer(["--from", folder.directory + "/none.db", "--to", folder.directory + "/to.db"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("there is no database at \(folder.directory)/none.db"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.directory + "/to.db"))
        let same = try transfer(["--from", "a.db", "--to", "a.db"])
        #expect(same.status == 64)
        #expect(same.stderr.contains("--from and --to name the same database"), "\(same.stderr)")
        let badURL = try transfer(["--from", "postgresql://hotline@/hotline?sslmode=sometimes", "--to", "b.db"])
        #expect(badURL.status == 64, "\(badURL.stderr)")
        #expect(badURL.stderr.contains("--from"), "\(badURL.stderr)")
    }
}
