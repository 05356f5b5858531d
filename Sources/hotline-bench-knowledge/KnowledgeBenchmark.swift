import ArgumentParser
import Foundation
import GRDB
import HotlineBenchmarking
import Varlink

/// Loads a knowledge base of 200,000 made-up entries through `hotlinectl knowledge import` on
/// the real `hotlined` (how long, and what a Submit waits meanwhile), then measures Search
/// (contract §10) for words of one and two two-character words of different frequencies.
/// Run it through `scripts/bench-knowledge` (release build).
@main
struct KnowledgeBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotline-bench-knowledge",
        abstract: "Measure the knowledge base's import and search on hotlined."
    )

    @Option(help: "Entries to import.") var entries = 200_000
    @Option(help: "Searches of each kind measured (after 20 unmeasured ones).") var runs = 500
    @Option(help: "The hotlined binary.") var hotlined: String
    @Option(help: "The hotlinectl binary.") var hotlinectl: String
    @Option(help: "A scratch folder.") var directory: String

    func run() async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/knowledge-\(entries).csv"
        let bytes = try writeFile(file)
        let database = directory + "/knowledge.db"
        KeptDatabase.remove(database)
        let config = directory + "/knowledge.toml"
        try "[daemon]\nsocket_mode = \"0600\"\n[calendar]\nyears = [2026]\n".write(
            toFile: config,
            atomically: true,
            encoding: .utf8
        )
        let socket = directory + "/knowledge.sock"
        let daemon = try LaunchedDaemon(
            hotlined: hotlined,
            socket: socket,
            arguments: ["--config", config, "--database", database, "--log-level", "error"]
        )
        defer { daemon.stop() }

        // The import, with a client submitting in a closed loop beside it.
        let probe = SubmitProbe(socket: socket, tag: "import")
        probe.start()
        let start = DispatchTime.now().uptimeNanoseconds
        let importer = Process()
        importer.executableURL = URL(fileURLWithPath: hotlinectl)
        importer.arguments = ["--socket", socket, "knowledge", "import", file]
        try importer.run()
        importer.waitUntilExit()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let submits = probe.stop()
        guard importer.terminationStatus == 0 else { throw ValidationError("the import failed") }
        print(
            String(
                format:
                    "imported %d entries (%.0f MB of CSV) in %.1f s: %.0f entries/s, about %d calls of 768 KiB, one transaction",
                entries,
                Double(bytes) / 1e6,
                seconds,
                Double(entries) / seconds,
                bytes / (768 * 1024) + 1
            )
        )
        print(
            String(
                format: "a Submit during the import: p50 %.2f ms, p99 %.2f ms, max %.0f ms (%d submits)",
                Percentiles.median(submits),
                Percentiles.percentile(99, of: submits),
                submits.max() ?? 0,
                submits.count
            )
        )
        try report(sizesOf: database)

        var floor: [Double] = []
        for _ in 0..<(20 + runs) { floor.append(try daemon.timed("org.varlink.service.GetInfo", [:]).0) }
        floor.removeFirst(20)
        print(
            String(
                format: "floor, a GetInfo round trip: p50 %.2f ms, p99 %.2f ms",
                Percentiles.median(floor),
                Percentiles.percentile(99, of: floor)
            )
        )

        let counts = expectedCounts([
            "社保", "君山", "补办", "停水", "放假", "华容", "补办 君山", "社保 君山", "停水 华容", "放假 老年",
        ])
        var turn = 0
        func probeWord() -> String {
            turn += 1
            return EntryText.probes[turn % EntryText.probes.count]
        }
        let probeCounts = plantedCounts()
        try measure(
            "one rare word (a planted word in ≈ \(entries / EntryText.probeShare / EntryText.probes.count) entries)",
            daemon
        ) {
            let word = probeWord()
            return (word, probeCounts[word])
        }
        for word in ["补办", "华容", "君山", "社保"] {
            try measure("one word: \(word) (\(counts[word] ?? 0) entries)", daemon) { (word, counts[word]) }
        }
        for words in ["补办 君山", "停水 华容", "放假 老年", "社保 君山"] {
            try measure("two words: \(words) (\(counts[words] ?? 0) entries)", daemon) { (words, counts[words]) }
        }
        print(
            "daemon RSS: \(ProcessStatus.field("VmRSS", of: daemon.process.processIdentifier)) "
                + "(VmHWM \(ProcessStatus.field("VmHWM", of: daemon.process.processIdentifier)))"
        )
    }

    /// Writes the entries as CSV (a header, keywords separated by `;`); returns its size.
    func writeFile(_ path: String) throws -> Int {
        var text = "title,body,category,keywords\n"
        text.reserveCapacity(entries * 400)
        for index in 0..<entries {
            let entry = EntryText.entry(index)
            text += "\(entry.title),\"\(entry.body)\",\(entry.category),\(entry.keywords.joined(separator: ";"))\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return text.utf8.count
    }

    /// Runs 20 unmeasured and then `runs` measured searches (first page of 20 and the total),
    /// checks each total against the count the generator gives, and prints the figures.
    func measure(_ name: String, _ daemon: LaunchedDaemon, _ search: () -> (String, Int?)) throws {
        var times: [Double] = []
        for run in 0..<(20 + runs) {
            let (text, expected) = search()
            let (ms, reply) = try daemon.timed("org.hotline.Knowledge.Search", ["text": .string(text)])
            let total = Int(reply.parameters["total"]?.intValue ?? -1)
            if let expected, total != expected {
                throw ValidationError("\(name): \(text) found \(total) entries, \(expected) expected")
            }
            if run >= 20 { times.append(ms) }
        }
        print(
            String(
                format: "%@: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d searches)",
                name,
                Percentiles.median(times),
                Percentiles.percentile(99, of: times),
                times.max() ?? 0,
                runs
            )
        )
    }

    /// How many entries hold every word of each search, from the generator itself.
    func expectedCounts(_ searches: [String]) -> [String: Int] {
        var counts: [String: Int] = [:]
        let split = searches.map { ($0, $0.split(separator: " ").map(String.init)) }
        for index in 0..<entries {
            let entry = EntryText.entry(index)
            let text = entry.title + "\n" + entry.body + "\n" + entry.keywords.joined(separator: "\n")
            for (search, words) in split where words.allSatisfy({ text.contains($0) }) {
                counts[search, default: 0] += 1
            }
        }
        return counts
    }

    /// How many entries hold each planted word.
    func plantedCounts() -> [String: Int] {
        var counts: [String: Int] = [:]
        for index in 0..<entries {
            if let probe = EntryText.probe(index) { counts[probe, default: 0] += 1 }
        }
        return counts
    }

    /// Prints the database's size per entry and the share of the search index.
    func report(sizesOf database: String) throws {
        let queue = try DatabaseQueue(path: database)
        let (total, index, versions) = try queue.read { db in
            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let index =
                try Int.fetchOne(db, sql: "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'knowledgeText%'") ?? 0
            let entries =
                try Int.fetchOne(db, sql: "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'knowledgeEntry%'") ?? 0
            return (pageSize * pages, index, entries)
        }
        print(
            String(
                format: "database: %.0f MB; entries %.0f bytes each, their search index %.0f bytes each",
                Double(total) / 1e6,
                Double(versions) / Double(entries),
                Double(index) / Double(entries)
            )
        )
    }
}
