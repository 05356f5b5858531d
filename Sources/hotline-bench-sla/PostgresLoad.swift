import Foundation
import HotlinePostgres

/// The SLA benchmark's database on PostgreSQL, written by the server itself
/// (`generate_series`): the same shape as the SQLite one — tickets received over the 10 days
/// before t0, half of them open and due over the 60 days after it (the first `simultaneous`
/// open ones at `passAt` exactly), half closed with their ratings; each open ticket's resolve
/// deadline with its two checks; every ticket's search tokens.
enum PostgresLoad {
    /// Loads `tickets` tickets into the empty, migrated database of `url`.
    static func load(url: String, tickets: Int, simultaneous: Int, t0: Date, passAt: Date, units: [String]) throws {
        let t0 = Int64(t0.timeIntervalSince1970 * 1000)
        let pass = Int64(passAt.timeIntervalSince1970 * 1000)
        let unitList = units.map { "'\($0)'" }.joined(separator: ", ")
        try psql(
            url,
            """
            SET synchronous_commit = off;
            ALTER TABLE ticket DISABLE TRIGGER ticket_figures;
            CREATE TEMP TABLE loading AS
                SELECT i, hotline_time(\(t0) - (random() * 864000000)::bigint) AS received,
                       (ARRAY[\(unitList)])[i % \(units.count) + 1] AS unit, i % 2 = 0 AS open,
                       CASE WHEN i / 2 < \(simultaneous) THEN hotline_time(\(pass))
                            ELSE hotline_time(\(pass) + 3600000 + (random() * (86400000::bigint * 60 - 7200000))::bigint) END AS due
                FROM generate_series(0, \(tickets - 1)) AS i;
            INSERT INTO ticket (id, channel, submission_id, status, priority, content, citizen_name, citizen_phone, unit,
                                received_at, dispatched_at, claim_by, claimed_at, due_by, replied_at, rating, solved,
                                rated_at, closed_as, closed_at)
            SELECT to_char(received AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' || lpad(i::text, 7, '0'), 'hotline',
                   'bench-' || i, CASE WHEN open THEN 'claimed' ELSE 'closed' END, 'normal', repeat('停水', 40), '张三',
                   '138' || lpad(i::text, 8, '0'), unit, received, received, received + interval '2 hours',
                   received + interval '1 hour',
                   CASE WHEN open THEN due ELSE received + interval '14 days' END,
                   CASE WHEN open THEN NULL ELSE received + interval '3 days' END,
                   CASE WHEN open THEN NULL ELSE (ARRAY['very_satisfied', 'satisfied', 'basic', 'dissatisfied'])[i % 4 + 1] END,
                   CASE WHEN open THEN NULL ELSE i % 3 <> 0 END,
                   CASE WHEN open THEN NULL ELSE received + interval '3 days' END,
                   CASE WHEN open THEN NULL ELSE 'rated' END,
                   CASE WHEN open THEN NULL ELSE received + interval '3 days' END
            FROM loading ORDER BY received;
            INSERT INTO ticket_text (seq, tokens) SELECT seq, ARRAY['停水', '水停'] FROM ticket;
            INSERT INTO deadline (ticket_id, kind, start_at, warn_at, due_at)
                SELECT id, 'resolve', received_at, date_trunc('milliseconds', received_at + (due_by - received_at) * 0.8), due_by
                FROM ticket WHERE status = 'claimed';
            INSERT INTO deadline_check (fire_at, ticket_id, kind, stage, due_at, channel, unit, co_units, received_at)
                SELECT d.warn_at, d.ticket_id, d.kind, 'warn', d.due_at, t.channel, t.unit, t.co_units, t.received_at
                FROM deadline d JOIN ticket t ON t.id = d.ticket_id
                UNION ALL
                SELECT d.due_at + interval '1 millisecond', d.ticket_id, d.kind, 'due', d.due_at, t.channel, t.unit,
                       t.co_units, t.received_at
                FROM deadline d JOIN ticket t ON t.id = d.ticket_id;
            INSERT INTO event (ticket_id, at, kind, actor_uid, role, unit, note)
                SELECT id, received_at, 'submitted', 0, 'operator', NULL, 'hotline' FROM ticket;
            ALTER TABLE ticket ENABLE TRIGGER ticket_figures;
            BEGIN;
            \(PostgresTicketStore.rebuildFigureRollupsSQL)
            COMMIT;
            VACUUM ANALYZE;
            """
        )
    }

    /// How many passings wait to be folded.
    static func unfolded(url: String) throws -> Int {
        Int(try psql(url, "SELECT count(*) FROM deadline_passed").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Runs SQL with `psql`; returns its output.
    @discardableResult
    static func psql(_ url: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [url, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(sql.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PostgresLoadError(status: process.terminationStatus) }
        return String(decoding: data, as: UTF8.self)
    }
}

/// psql failed (its message went to standard error).
struct PostgresLoadError: Error, CustomStringConvertible {
    var status: Int32
    var description: String { "psql failed with status \(status)" }
}
