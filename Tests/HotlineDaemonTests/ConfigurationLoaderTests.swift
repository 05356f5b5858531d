import Foundation
import Testing

@testable import HotlineCore
@testable import HotlineDaemon

@Suite("The configuration file")
struct ConfigurationLoaderTests {
    let loader = ConfigurationLoader(resolveGroup: { $0 == "hotline-op" ? 500 : UInt32($0) })

    func error(_ text: String) -> ConfigurationError? {
        do {
            _ = try loader.parse(text, file: "test.toml")
            return nil
        } catch {
            return error
        }
    }

    @Test("The shipped example loads, with the official 2026 schedule")
    func example() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("config/hotlined.toml")
        let config = try ConfigurationLoader(resolveGroup: { _ in 77 }).load(path: url.path)
        #expect(config.calendar.years == [2026])
        #expect(config.calendar.holidays.count == 33)
        #expect(
            config.calendar.workdays
                == Set(
                    ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"].compactMap(
                        LocalDate.init
                    )
                )
        )
        #expect(config.sla == SLAPolicy())
        #expect(config.units.count >= 5 && config.router.routes.count >= 5)
        #expect(config.calendar.timeZone.identifier == "Asia/Shanghai")
    }

    @Test("The groups a machine lacks are named in one warning")
    func missingGroupsWarnOnce() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("config/hotlined.toml")
        let warnings = Box()
        let config = try ConfigurationLoader(resolveGroup: { _ in nil }, warn: { warnings.lines.append($0) }).load(
            path: url.path
        )
        #expect(warnings.lines.count == 1)
        let line = try #require(warnings.lines.first)
        #expect(line.contains("\(config.units.count + 2) groups do not exist"))
        for unit in config.units { #expect(line.contains("\"unit-\(unit.id)\" (unit[")) }
        #expect(line.contains("\"hotline-op\" (roles.operators.groups)") && line.contains("\"hotline-sup\""))
        var none: [String] = []
        _ = try ConfigurationLoader(resolveGroup: { _ in 7 }, warn: { none.append($0) }).load(path: url.path)
        #expect(none.isEmpty)
    }

    /// Collects what a loader's `warn` receives.
    final class Box: @unchecked Sendable {
        var lines: [String] = []
    }

    @Test("An empty file gives the contract's defaults")
    func defaults() throws {
        let config = try loader.parse("", file: "empty.toml")
        #expect(config.sla.resolve == .workingDays(10) && config.sla.claim == .workingHours(2))
        #expect(config.daemon.socket == "/run/hotline/hotline.sock" && config.daemon.socketMode == 0o660)
        #expect(config.statsWeights == StatsWeights())
    }

    @Test("Roles and units resolve uids and groups")
    func roles() throws {
        let config = try loader.parse(
            """
            [roles]
            operators = { uids = [1001], groups = ["hotline-op"] }
            [[unit]]
            id = "water"
            uids = [2001]
            """,
            file: "t.toml"
        )
        #expect(config.roles.role(of: PeerCredentials(uid: 7, gid: 7, groups: [500])) == .operator)
        #expect(config.roles.role(of: PeerCredentials(uid: 2001, gid: 2001)) == .unit("water"))
    }

    @Test(
        "Errors name the file, the line and the key",
        arguments: [
            ("[sla]\nclaim = \"2 workinghours\"\n", 2, "sla.claim"),
            ("[daemon]\nsocket = \"/x\"\nsokcet_mode = \"0660\"\n", 3, "daemon.sokcet_mode"),
            ("[calendar]\nholidays = [\"2026-13-01\"]\nyears = [2026]\n", 2, "calendar.holidays"),
            ("[calendar]\nholidays = [\"2027-01-01\"]\nyears = [2026]\n", 3, "calendar.years"),
            ("[calendar]\nweekend = [\"sat\", \"sunday\"]\n", 2, "calendar.weekend"),
            ("[calendar]\nworkday_start = \"18:00\"\n", nil, "calendar.workday_end"),
            ("[[unit]]\nid = \"water\"\n\n[[unit]]\nid = \"water\"\n", 5, "unit[1].id"),
            ("[[unit]]\nid = \"water\"\n[[route]]\nunit = \"sewer\"\n", 4, "route[0].unit"),
            ("[[unit]]\nid = \"water\"\n[[route]]\nunit = \"water\"\nco_units = [\"gas\"]\n", 5, "route[0].co_units"),
            ("[sla]\nwarn_at = 1.5\n", 2, "sla.warn_at"),
            ("[sla]\ncallback_attempts = \"3\"\n", 2, "sla.callback_attempts"),
            ("[daemon]\ntimezone = \"Mars/Olympus\"\n", 2, "daemon.timezone"),
            ("[daemon]\nsocket_mode = \"rw\"\n", 2, "daemon.socket_mode"),
            ("[stats]\nweights = { response = 0.5, solved = 0.5, satisfaction = 0.5 }\n", 2, "stats.weights"),
            ("colour = \"red\"\n", 1, "colour"),
            ("[daemon]\ndatabase = \"postgresql://hotline:secret@/hotline\"\n", 2, "daemon.database"),
            ("[daemon]\ndatabase = \"postgresql://hotline@db:70000/hotline\"\n", 2, "daemon.database"),
            ("[daemon]\ndatabase_password_file = \"secrets/db\"\n", 2, "daemon.database_password_file"),
            ("[daemon]\nnode_name = \"node one\"\n", 2, "daemon.node_name"),
        ] as [(String, Int?, String)]
    )
    func errors(text: String, line: Int?, key: String) throws {
        let e = try #require(error(text))
        #expect(e.file == "test.toml")
        #expect(e.key == key)
        if let line { #expect(e.line == line, "\(e)") }
        #expect(e.description.hasPrefix("test.toml"))
    }

    @Test("A syntax error names its line")
    func syntax() throws {
        let e = try #require(error("[sla]\nclaim = \n"))
        #expect(e.line == 2)
        #expect(e.message.contains("not valid TOML"))
    }

    @Test("A PostgreSQL URL, its password file and the node's name are read from [daemon]")
    func postgres() throws {
        let config = try loader.parse(
            """
            [daemon]
            database = "postgresql://hotline@db1:5433,db2/hotline?sslmode=require"
            database_password_file = "db-password"
            node_name = "hotline-a.1"
            """,
            file: "t.toml"
        )
        #expect(config.daemon.postgres?.servers.map(\.host) == ["db1", "db2"])
        #expect(config.daemon.databasePasswordFile == "db-password" && config.daemon.nodeName == "hotline-a.1")
        let sqlite = try loader.parse("", file: "t.toml")
        #expect(sqlite.daemon.postgres == nil && !sqlite.daemon.nodeName.isEmpty)
    }

    @Test("The database password: a file's first line, or a systemd credential by name")
    func password() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-cred-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "s3cret!\nignored\n".write(
            to: folder.appendingPathComponent("db-password"),
            atomically: true,
            encoding: .utf8
        )
        try "".write(to: folder.appendingPathComponent("empty"), atomically: true, encoding: .utf8)
        #expect(try DatabasePassword.read(folder.path + "/db-password", environment: [:]) == "s3cret!")
        #expect(
            try DatabasePassword.read("db-password", environment: ["CREDENTIALS_DIRECTORY": folder.path]) == "s3cret!"
        )
        #expect(throws: DatabasePassword.Problem.self) { try DatabasePassword.read("db-password", environment: [:]) }
        #expect(throws: DatabasePassword.Problem.self) {
            try DatabasePassword.read(folder.path + "/missing", environment: [:])
        }
        #expect(throws: DatabasePassword.Problem.self) {
            try DatabasePassword.read(folder.path + "/empty", environment: [:])
        }
        do {
            _ = try DatabasePassword.read("db-password", environment: [:])
        } catch {
            #expect(error.description.contains("LoadCredential=db-password:"))
        }
    }
}
