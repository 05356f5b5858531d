import Foundation

/// The floor of the PostgreSQL backend: `pgbench` writing, per transaction, the rows one
/// benchmark Submit writes (the ticket of a 500-byte letter routed to its unit, its two
/// events, two deadline definitions, four checks, its search tokens and its `dispatched`
/// notice for every daemon's watchers), as one prepared
/// statement over the same Unix socket, with no daemon in between (the schema's trigger
/// writes the ticket's figure change, as for the daemon's Submit). hotlined's Submit can
/// only be slower: it also decodes the call, routes it, works out the deadlines, and encodes
/// the answer.
struct PgbenchFloor {
    /// The pgbench binary.
    let pgbench: String
    /// The database's socket folder, role and name.
    let socketFolder: String
    let user: String
    let database: String
    /// Where the script goes.
    let directory: String

    /// The statement: every part of hotlined's Submit but the reads a new key makes.
    static let script = """
        WITH t AS (
            INSERT INTO ticket (id, channel, submission_id, status, priority, content, unit, received_at, dispatched_at,
                                claim_by, due_by)
            VALUES (hotline_next_ticket_id('20991231'), 'mailbox', 'floor-' || txid_current(), 'dispatched', 'normal',
                    repeat('停', 165) || '。..', 'water', now(), now(), now() + interval '1 hour', now() + interval '10 days')
            ON CONFLICT (channel, submission_id) DO NOTHING
            RETURNING seq, id
        ), e AS (
            INSERT INTO event (ticket_id, at, kind, actor_uid, role, unit, note)
            SELECT t.id, now(), k.kind, 0, 'operator', k.unit, k.note FROM t,
                (VALUES ('submitted', NULL, 'mailbox'), ('dispatched', 'water', 'routed')) AS k(kind, unit, note)
        ), d AS (
            INSERT INTO deadline (ticket_id, kind, start_at, warn_at, due_at)
            SELECT t.id, k.kind, now(), now() + k.warn, now() + k.due FROM t,
                (VALUES ('claim', interval '48 minutes', interval '1 hour'),
                        ('resolve', interval '8 days', interval '10 days')) AS k(kind, warn, due)
        ), c AS (
            INSERT INTO deadline_check (fire_at, ticket_id, kind, stage, due_at, channel, unit, co_units, received_at)
            SELECT now() + k.fire, t.id, k.kind, k.stage, now() + k.due, 'mailbox', 'water', '[]', now() FROM t,
                (VALUES (interval '48 minutes', 'claim', 'warn', interval '1 hour'),
                        (interval '1 hour 1 millisecond', 'claim', 'due', interval '1 hour'),
                        (interval '8 days', 'resolve', 'warn', interval '10 days'),
                        (interval '10 days 1 millisecond', 'resolve', 'due', interval '10 days'))
                AS k(fire, kind, stage, due)
        ), x AS (
            INSERT INTO ticket_text (seq, tokens) SELECT t.seq, ARRAY['停停'] FROM t
        ), n AS (
            INSERT INTO notice (at, kind, ticket_id, unit, co_units, deadline)
            SELECT now(), 'dispatched', t.id, 'water', '{}', NULL FROM t
        )
        SELECT t.id FROM t;

        """

    /// The floor of the open loop: `rate` transactions a second offered over `connections`
    /// clients for `duration` seconds (`pgbench --rate`, each transaction scheduled whatever
    /// the earlier ones take); its throughput and its latencies in milliseconds, each counted
    /// from the transaction's scheduled start (pgbench's elapsed time plus its schedule lag),
    /// as the daemon's open loop counts from each call's scheduled send.
    func run(rate: Double, connections: Int, duration: Double) throws -> (throughput: Double, latencies: [Double]) {
        let prefix = directory + "/floor-open"
        func logs() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasPrefix("floor-open.") }.map { directory + "/" + $0 }
        }
        for file in try logs() { try FileManager.default.removeItem(atPath: file) }
        let seconds = max(1, Int(duration.rounded()))
        _ = try runPgbench([
            "-c", "\(connections)", "-j", "\(min(connections, 2))", "-T", "\(seconds)", "-R", "\(Int(rate))",
            "-l", "--log-prefix", prefix,
        ])
        var latencies: [Double] = []
        for file in try logs() {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            for line in text.split(separator: "\n") {
                // client_id transaction_no time script_no time_epoch time_us schedule_lag
                let fields = line.split(separator: " ")
                guard fields.count >= 7, let time = Double(fields[2]), let lag = Double(fields[6]) else { continue }
                latencies.append((time + lag) / 1000)
            }
            try FileManager.default.removeItem(atPath: file)
        }
        return (Double(latencies.count) / Double(seconds), latencies.sorted())
    }

    /// Runs `connections` clients for `duration` seconds; returns transactions per second.
    func run(connections: Int, duration: Double) throws -> Double {
        let text = try runPgbench([
            "-c", "\(connections)", "-j", "\(min(connections, 2))", "-T", "\(max(1, Int(duration.rounded())))",
        ])
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
            let tps = Double(line.dropFirst("tps = ".count).split(separator: " ").first ?? "")
        else {
            throw LoadError(description: "pgbench printed no rate: \(text.suffix(400))")
        }
        return tps
    }

    /// Runs pgbench on the script with `arguments`; returns what it printed.
    private func runPgbench(_ arguments: [String]) throws -> String {
        let file = directory + "/floor.sql"
        try Self.script.write(toFile: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: pgbench)
        process.arguments =
            ["-h", socketFolder, "-U", user, "-n", "-M", "prepared", "-f", file] + arguments + [database]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw LoadError(description: "pgbench failed (\(process.terminationStatus)): \(text.suffix(400))")
        }
        return text
    }
}
