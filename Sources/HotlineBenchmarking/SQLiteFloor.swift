import Foundation
import GRDB
import HotlineCore
import HotlineSQLite

/// The SQLite floor of the Submit benchmark: the rows the daemon wrote for its Submits,
/// written again by `scripts/testing/submit-floor` (C, SQLite alone: prepared statements, one
/// commit per batch) into an empty database of the daemon's schema. Its rate is what SQLite
/// itself allows for the same rows on the same disk.
public struct SQLiteFloor: Sendable {
    /// The compiled floor program.
    public let program: String
    /// The scratch folder.
    public let directory: String

    /// A floor run by `program`, in `directory`.
    public init(program: String, directory: String) {
        self.program = program
        self.directory = directory
    }

    /// The floor's copy of the daemon's database.
    var source: String { directory + "/floor-source.db" }
    var target: String { directory + "/floor-target.db" }

    /// Copies the (stopped) daemon's database at `database` as the floor's source, with each
    /// ticket's search tokens as the daemon computes them (its index keeps none).
    public func prepare(from database: String) throws {
        KeptDatabase.remove(source)
        try DatabaseQueue(path: database).writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM INTO ?", arguments: [source])
        }
        try DatabaseQueue(path: source).write { db in
            // The floor reads each ticket's checks by ticket (the daemon's index is by time).
            try db.execute(sql: "CREATE INDEX floorChecks ON deadlineCheck (ticketId)")
            try db.execute(sql: "CREATE TABLE floorTokens (seq INTEGER PRIMARY KEY, tokens TEXT NOT NULL)")
            let rows = try Row.fetchCursor(db, sql: "SELECT seq, title, content, address, result FROM ticket")
            let insert = try db.makeStatement(sql: "INSERT INTO floorTokens (seq, tokens) VALUES (?, ?)")
            while let row = try rows.next() {
                let fields: [String?] = [row["title"], row["content"], row["address"], row["result"]]
                try insert.execute(arguments: [row["seq"] as Int64, SearchTerms.indexText(fields)])
            }
        }
    }

    /// Writes Submits in transactions of `batch` for `seconds` into a new database; returns
    /// Submits per second.
    public func run(batch: Int, seconds: Double) throws -> Double {
        KeptDatabase.remove(target)
        _ = try SQLiteTicketStore(path: target)  // the daemon's schema, by its migrations
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = [source, target, "\(batch)", "\(seconds)"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let fields = text.split(separator: " ")
        guard process.terminationStatus == 0, fields.count == 3, fields[0] == "FLOOR",
            let written = Double(fields[1]),
            let elapsed = Double(fields[2].trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw FloorError(output: text) }
        return written / elapsed
    }

    /// The floor program failed.
    public struct FloorError: Error, CustomStringConvertible {
        /// What it printed.
        public let output: String
        public var description: String { "submit-floor failed: \(output)" }
    }
}
