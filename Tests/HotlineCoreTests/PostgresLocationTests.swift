import Testing

@testable import HotlineCore

@Suite("The PostgreSQL URL of [daemon] database")
struct PostgresLocationTests {
    @Test("The Unix socket in a folder, as the contract writes it")
    func socketFolder() throws {
        let location = try PostgresLocation(url: "postgresql://hotline@/hotline?host=/run/postgresql")
        #expect(location.user == "hotline" && location.database == "hotline")
        #expect(location.servers == [.init(host: "/run/postgresql", port: 5432)])
        #expect(location.servers[0].socketPath == "/run/postgresql/.s.PGSQL.5432")
        #expect(location.tls == .prefer && location.applicationName == "hotlined")
    }

    @Test("Several hosts with ports, tried in order; TLS, application name and timeout")
    func severalHosts() throws {
        let location = try PostgresLocation(
            url:
                "postgresql://hotline@db1.city.local:5433,db2.city.local,[fd00::7]:6432/hotline?sslmode=verify-full&target_session_attrs=read-write&application_name=hotlined-a&connect_timeout=3"
        )
        #expect(
            location.servers == [
                .init(host: "db1.city.local", port: 5433), .init(host: "db2.city.local", port: 5432),
                .init(host: "fd00::7", port: 6432),
            ]
        )
        #expect(location.tls == .verifyFull && location.applicationName == "hotlined-a" && location.connectTimeout == 3)
        #expect(!location.servers[0].isSocket && location.servers[0].socketPath == nil)
    }

    @Test("postgres:// too; escapes decoded; the database defaults to the user; host and port as parameters")
    func libpqForms() throws {
        let escaped = try PostgresLocation(url: "postgres://hot%6Cine@localhost/city%20hotline")
        #expect(escaped.user == "hotline" && escaped.database == "city hotline")
        let noDatabase = try PostgresLocation(url: "postgresql://hotline@localhost")
        #expect(noDatabase.database == "hotline")
        let listed = try PostgresLocation(url: "postgresql://hotline@/hotline?host=/tmp/a,/tmp/b&port=5433")
        #expect(listed.servers == [.init(host: "/tmp/a", port: 5433), .init(host: "/tmp/b", port: 5433)])
        #expect(PostgresLocation.isURL("postgresql://x@/y") && !PostgresLocation.isURL("/var/lib/hotline/hotline.db"))
    }

    @Test("A password, an unknown parameter, a bad port or mode, no user: refused, naming the part")
    func refusals() {
        let cases: [(String, String)] = [
            ("postgresql://hotline:secret@/hotline", "password"),
            ("postgresql://hotline@/hotline?password=secret", "password"),
            ("postgresql://hotline@db:99999/hotline", "port"),
            ("postgresql://hotline@db/hotline?sslmode=sometimes", "sslmode"),
            ("postgresql://hotline@db/hotline?target_session_attrs=standby", "target_session_attrs"),
            ("postgresql://hotline@db/hotline?options=-c%20x", "options"),
            ("postgresql://db/hotline", "user"),
            ("postgresql://hotline@[fd00::1/hotline", "host"),
            ("postgresql://hotline@db/hot%zzline", "database"),
            ("mysql://hotline@db/hotline", "scheme"),
        ]
        for (url, part) in cases {
            #expect(throws: PostgresLocation.Problem.self, "\(url)") { try PostgresLocation(url: url) }
            do {
                _ = try PostgresLocation(url: url)
            } catch {
                #expect(error.part == part, "\(url): \(error)")
            }
        }
    }
}
