import Foundation

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
