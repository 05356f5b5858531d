import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The throwaway PostgreSQL server `scripts/test` starts (`HOTLINE_TEST_POSTGRES`, the URL of
/// its `postgres` database on a Unix socket), and a new, empty database on it for each test.
public enum TestPostgres {
    /// The server's URL, when a server was started for the tests.
    public static var serverURL: String? {
        ProcessInfo.processInfo.environment["HOTLINE_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether the PostgreSQL tests can run.
    public static var available: Bool { serverURL != nil }

    /// Creates an empty database with a new name and returns its URL.
    public static func freshDatabase() throws -> String {
        guard let server = serverURL else { throw TestDaemonError.clientFailed("no HOTLINE_TEST_POSTGRES server") }
        let name = "hotline_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try psql(server, "CREATE DATABASE \(name)")
        return server.replacingOccurrences(of: "@/postgres?", with: "@/\(name)?")
    }

    /// Drops the database of `url` (made by ``freshDatabase()``), closing its sessions.
    public static func drop(_ url: String) throws {
        guard let server = serverURL, let name = url.split(separator: "@/").last?.split(separator: "?").first
        else { return }
        try psql(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs one SQL command with `psql` against `url`; throws with its message when it fails.
    @discardableResult
    public static func psql(_ url: String, _ sql: String) throws -> String {
        let result = try ProcessResult.run(
            "/usr/bin/psql",
            [url, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql]
        )
        guard result.status == 0 else { throw TestDaemonError.clientFailed("psql \(sql): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The storage backend the live tests run the daemon on: SQLite unless
/// `HOTLINE_TEST_BACKEND=postgresql` (`scripts/test` runs the suites a second time so, on its
/// throwaway server).
public enum TestBackend: String, Sendable {
    /// An SQLite file in the test's folder.
    case sqlite
    /// A database of its own on the `HOTLINE_TEST_POSTGRES` server.
    case postgresql

    /// The backend of this run.
    public static var current: TestBackend {
        ProcessInfo.processInfo.environment["HOTLINE_TEST_BACKEND"] == "postgresql" ? .postgresql : .sqlite
    }

    /// Whether this run is on SQLite (for the few tests of SQLite's own files).
    public static var isSQLite: Bool { current == .sqlite }
}

/// A PostgreSQL server of a test's own (`scripts/postgres` in a temporary folder, as root),
/// for tests that stop and start the server: the suite's shared server must stay up.
public final class TestPostgresServer: @unchecked Sendable {
    /// The folder of its data, socket and log.
    public let folder: String
    /// The URL of its `postgres` database.
    public let url: String

    /// Starts a new server.
    public init() throws {
        var template = Array("/tmp/hotline-own-postgres-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        folder = String(cString: made)
        url = try Self.script("start", folder)
    }

    deinit {
        _ = try? Self.script("stop", folder)
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A streaming standby of `primary`, which then waits for it on every commit
    /// (`synchronous_standby_names = '*'`).
    public init(standbyOf primary: TestPostgresServer) throws {
        var template = Array("/tmp/hotline-own-postgres-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        folder = String(cString: made)
        chmod(folder, 0o755)
        url = try Self.script("standby", folder, primary.folder)
    }

    /// Stops the server at once, as a crash would.
    public func crash() throws { _ = try Self.script("crash", folder) }

    /// `kill -9` of the server's postmaster.
    public func kill() throws { _ = try Self.script("kill", folder) }

    /// Makes this standby a primary.
    public func promote() throws { _ = try Self.script("promote", folder) }

    /// The folder of the server's Unix socket.
    public var socketFolder: String { folder + "/socket" }

    /// Starts the server again on its data.
    public func resume() throws { _ = try Self.script("resume", folder) }

    /// A new, empty database on this server; returns its URL.
    public func freshDatabase(_ name: String = "hotline") throws -> String {
        try TestPostgres.psql(url, "CREATE DATABASE \(name)")
        return url.replacingOccurrences(of: "@/postgres?", with: "@/\(name)?")
    }

    private static func script(_ command: String, _ folder: String, _ more: String...) throws -> String {
        let script = FileManager.default.currentDirectoryPath + "/scripts/postgres"
        let result = try ProcessResult.run("/bin/bash", [script, command, folder] + more)
        guard result.status == 0 else {
            throw TestDaemonError.clientFailed("scripts/postgres \(command): \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
