import ArgumentParser
import Foundation
import GRDB
import HotlineBenchmarking
import HotlineCore
import HotlineSQLite
import HotlineStore
import Varlink

/// Loads a large database of varied Chinese tickets and measures ticket search (contract §9)
/// on the real `hotlined`: a two-character word, three words, a phone's history, and what the
/// index costs to write and to keep. Run it through `scripts/bench-search` (release build).
@main
struct SearchBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotline-bench-search",
        abstract: "Measure ticket search of hotlined on a large database of varied text."
    )

    @Option(help: "Tickets to load.") var tickets = 1_000_000
    @Option(help: "Searches of each kind measured (after 20 unmeasured ones).") var runs = 200
    @Option(help: "The hotlined binary.") var hotlined: String
    @Option(help: "A scratch folder (the database is kept there between runs of the same size).") var directory: String

    /// Tickets were received over the year before this instant (2026-11-01 00:00 +08:00).
    static let end = Date(timeIntervalSince1970: 1_793_462_400)
    static let timeZone = TimeZone(identifier: "Asia/Shanghai")!
    /// Each caller's phone is on this many tickets.
    static let ticketsPerCaller = 3

    func run() async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let kept = KeptDatabase(path: directory + "/search-\(tickets).db")
        if try !kept.isCurrent(scratch: directory) {
            try await load(into: kept.path)
        }
        try report(sizesOf: kept.path)

        let config = directory + "/search.toml"
        try Self.config.write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = try LaunchedDaemon(
            hotlined: hotlined,
            socket: directory + "/search.sock",
            arguments: ["--config", config, "--database", kept.path, "--manual-clock", "--log-level", "error"]
        )
        defer { daemon.stop() }

        // The floor: a round trip that reads nothing (the reply of GetInfo is built in memory).
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

        let planted = plantedCounts()
        var index = 0
        func probe() -> String {
            index += 1
            return CitizenText.probes[index % CitizenText.probes.count]
        }
        func words(_ count: Int) -> [String] {
            index += 1
            var random = SplitMix64(seed: UInt64(index))
            let district = CitizenText.districts[Int(random.next() % 16)]
            let title = CitizenText.problems[Int(random.next() % UInt64(CitizenText.problems.count))].phrases[0]
            return [String(title.prefix(2)), district, "小区"].prefix(count).map { $0 }
        }

        // A two-character word in ≈ 1,000 tickets: its first page and the total.
        try measure("one two-character word (≈ 1,000 tickets), first page and total", daemon) {
            let word = probe()
            return (["text": .string(word)], planted[word])
        }
        // Its second page, through the cursor of the first.
        try measure("the same word, second page", daemon) {
            let word = probe()
            let first = try daemon.timed("org.hotline.Dispatch.Search", ["text": .string(word)]).1
            return (["text": .string(word), "after": first.parameters["next"] ?? .null], planted[word])
        }
        try measure("three words: a problem, a district and 小区", daemon) {
            (["text": .string(words(3).joined(separator: " "))], nil)
        }
        try measure("three words: a planted word, a district and 小区", daemon) {
            let word = probe()
            return (["text": .string(([word] + words(3).dropFirst()).joined(separator: " "))], nil)
        }
        try measure("a phone's history (three spellings in turn)", daemon) {
            index += 1
            let caller = (index * 7919) % (tickets / Self.ticketsPerCaller)
            let digits = Self.phone(caller)
            let spelling = [
                digits, "+86 " + digits,
                digits.prefix(3) + "-" + digits.dropFirst(3).prefix(4) + "-" + digits.suffix(4),
            ][index % 3]
            return (["phone": .string(String(spelling))], Self.ticketsPerCaller)
        }
        try measure("a common word (小区, no target: its total counts every match)", daemon, runs: min(runs, 20)) {
            (["text": "小区"], nil)
        }
        try measure("a category and a district, no text", daemon) {
            index += 1
            let problem = CitizenText.problems[index % CitizenText.problems.count]
            return (
                [
                    "category": .string(problem.category),
                    "district": .string(CitizenText.districts[index % CitizenText.districts.count]),
                ], nil
            )
        }
        // Hot spots of October (≈ 85,000 tickets, and September's for the change) by each key.
        for key in ["category", "district", "unit", "channel"] {
            var times: [Double] = []
            var total: Int64 = 0
            for run in 0..<(5 + min(runs, 100)) {
                let (ms, reply) = try daemon.timed(
                    "org.hotline.Dispatch.Hotspots",
                    ["from": "2026-10-01T00:00:00+08:00", "to": "2026-11-01T00:00:00+08:00", "by": .string(key)]
                )
                total = reply.parameters["total"]?.intValue ?? -1
                if run >= 5 { times.append(ms) }
            }
            print(
                String(
                    format:
                        "Hotspots for October by %@ (%lld tickets, and September's): p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d calls)",
                    key,
                    total,
                    Percentiles.median(times),
                    Percentiles.percentile(99, of: times),
                    times.max() ?? 0,
                    times.count
                )
            )
        }
        // The same searches on the store alone, in this process: what the socket, the
        // daemon's threads and the JSON add.
        let store = try SQLiteTicketStore(path: kept.path)
        let caller = Caller(credentials: PeerCredentials(uid: 0, gid: 0), role: .admin)
        try await measureInStore("in the store alone: the two-character word", store, caller) {
            var query = SearchQuery()
            query.words = [probe()]
            return query
        }
        try await measureInStore("in the store alone: a phone's history", store, caller) {
            index += 1
            var query = SearchQuery()
            query.phoneDigits = Self.phone((index * 7919) % (tickets / Self.ticketsPerCaller))
            return query
        }
        // Hot spots in the store alone, from the rollup and, as the peer, from every ticket.
        for key in [HotspotKey.district, .category] {
            for (name, byScan) in [("from the hour rollup", false), ("counting every ticket", true)] {
                var times: [Double] = []
                var totals: Set<Int> = []
                for run in 0..<25 {
                    let start = DispatchTime.now().uptimeNanoseconds
                    let october = (Date(timeIntervalSince1970: 1_790_784_000), Self.end)
                    let found =
                        byScan
                        ? try await store.hotspotsByScan(from: october.0, to: october.1, by: key, limit: 10)
                        : try await store.hotspots(from: october.0, to: october.1, by: key, limit: 10)
                    totals.insert(found.total)
                    if run >= 5 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) }
                }
                print(
                    String(
                        format:
                            "in the store alone: Hotspots for October by %@ %@: p50 %.2f ms, p99 %.2f ms (total %@)",
                        key.rawValue,
                        name,
                        Percentiles.median(times),
                        Percentiles.percentile(99, of: times),
                        totals.map(String.init).joined(separator: "/")
                    )
                )
            }
        }
        print(
            "daemon RSS: \(ProcessStatus.field("VmRSS", of: daemon.process.processIdentifier)) "
                + "(VmHWM \(ProcessStatus.field("VmHWM", of: daemon.process.processIdentifier)))"
        )
    }

    /// Runs 20 unmeasured and then `runs` measured searches of `parameters()` (and, where it
    /// gives one, checks the total against the expected count), and prints the figures.
    func measure(
        _ name: String,
        _ daemon: LaunchedDaemon,
        runs: Int? = nil,
        _ parameters: () throws -> ([String: JSONValue], Int?)
    ) throws {
        let measured = runs ?? self.runs
        var times: [Double] = []
        var totals: [Int] = []
        for run in 0..<(20 + measured) {
            let (search, expected) = try parameters()
            let (ms, reply) = try daemon.timed("org.hotline.Dispatch.Search", search)
            let total = Int(reply.parameters["total"]?.intValue ?? -1)
            if let expected, total != expected {
                throw ValidationError("\(name): \(search) found \(total) tickets, \(expected) expected")
            }
            if run >= 20 {
                times.append(ms)
                totals.append(total)
            }
        }
        print(
            String(
                format: "%@: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d searches; total median %d)",
                name,
                Percentiles.median(times),
                Percentiles.percentile(99, of: times),
                times.max() ?? 0,
                measured,
                Int(Percentiles.median(totals.map(Double.init)))
            )
        )
    }

    /// Runs 20 unmeasured and then `runs` measured searches of `query()` on `store` directly.
    func measureInStore(
        _ name: String,
        _ store: SQLiteTicketStore,
        _ caller: Caller,
        _ query: () -> SearchQuery
    ) async throws {
        var times: [Double] = []
        for run in 0..<(20 + runs) {
            let search = query()
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try await store.search(search, visibleTo: caller)
            if run >= 20 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) }
        }
        print(
            String(
                format: "%@: p50 %.2f ms, p99 %.2f ms (%d searches)",
                name,
                Percentiles.median(times),
                Percentiles.percentile(99, of: times),
                runs
            )
        )
    }

    /// How many tickets hold each probe word.
    func plantedCounts() -> [String: Int] {
        var counts: [String: Int] = [:]
        for index in 0..<tickets {
            if let probe = CitizenText.words(index).probe { counts[probe, default: 0] += 1 }
        }
        return counts
    }

    /// The phone of caller number `caller`.
    static func phone(_ caller: Int) -> String { String(format: "139%08d", caller) }

    /// Writes the tickets (received over the year before `end`: half answered by the centre,
    /// a third replied by a unit, the rest open with a unit), each indexed for search with it.
    func load(into database: String) async throws {
        let store = try SQLiteTicketStore(path: database)
        let start = Date()
        let batch = 20_000
        var created = 0
        while created < tickets {
            var chunk: [Ticket] = []
            for i in created..<min(created + batch, tickets) { chunk.append(Self.ticket(i, of: tickets)) }
            try await store.importTickets(chunk, warnFraction: 0.8, at: Self.end)
            created += chunk.count
        }
        let loaded = Date().timeIntervalSince(start)
        print(
            String(
                format: "loaded and indexed %d tickets in %.1f s (%.0f µs each, one transaction per 20,000)",
                tickets,
                loaded,
                loaded / Double(tickets) * 1e6
            )
        )
        try await store.analyze()
        try store.checkpoint()
    }

    /// Ticket number `i` of `count`.
    static func ticket(_ i: Int, of count: Int) -> Ticket {
        let words = CitizenText.words(i)
        // Spread over the year, in order: a higher number is a later ticket.
        let received = end.addingTimeInterval(-365 * 86400 * Double(count - i) / Double(count))
        let day = Calendar(identifier: .gregorian).dateComponents(in: timeZone, from: received)
        var ticket = Ticket(
            id: String(format: "%04d%02d%02d-%07d", day.year!, day.month!, day.day!, i),
            channel: i % 5 == 0 ? .mailbox : .hotline,
            submissionId: "search-\(i)",
            category: words.category,
            title: words.title,
            content: words.content,
            citizen: Citizen(name: "张三", phone: phone(i % (count / ticketsPerCaller))),
            location: Location(district: words.district, address: words.address),
            receivedAt: received
        )
        switch i % 6 {
        case 0, 1, 2:
            ticket.status = .closed
            ticket.answeredBy = .centre
            ticket.result = "已告知来电人办理流程和咨询电话，来电人表示认可。"
            ticket.repliedAt = received.addingTimeInterval(300)
            ticket.closedAs = .rated
            ticket.closedAt = ticket.repliedAt
            ticket.centreAnswered = true
        case 3, 4:
            ticket.unit = words.unit
            ticket.dispatchedAt = received
            ticket.claimedAt = received.addingTimeInterval(3600)
            ticket.dueBy = received.addingTimeInterval(14 * 86400)
            ticket.status = .closed
            ticket.answeredBy = .unit
            ticket.result = "经核实，已安排工作人员到现场处理，问题已解决。"
            ticket.repliedAt = received.addingTimeInterval(3 * 86400)
            ticket.closedAs = .rated
            ticket.closedAt = ticket.repliedAt
        default:
            ticket.unit = words.unit
            ticket.dispatchedAt = received
            ticket.claimBy = received.addingTimeInterval(7200)
            ticket.status = .dispatched
        }
        return ticket
    }

    /// Prints the database's size per ticket and the share of the search index.
    func report(sizesOf database: String) throws {
        let queue = try DatabaseQueue(
            path: database,
            configuration: {
                var c = Configuration()
                c.readonly = true
                return c
            }()
        )
        let (total, index, phone) = try queue.read { db in
            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let index =
                try Int.fetchOne(db, sql: "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'ticketText%'") ?? 0
            let phone =
                try Int.fetchOne(db, sql: "SELECT sum(pgsize) FROM dbstat WHERE name = 'ticket_phone_digits'") ?? 0
            return (pageSize * pages, index, phone)
        }
        print(
            String(
                format:
                    "database: %.0f MB, %.0f bytes per ticket; the full-text index %.0f bytes per ticket (%.0f %%), the phone index %.0f",
                Double(total) / 1e6,
                Double(total) / Double(tickets),
                Double(index) / Double(tickets),
                Double(index) / Double(total) * 100,
                Double(phone) / Double(tickets)
            )
        )
    }

    static var config: String {
        let units = Set(CitizenText.problems.map(\.unit)).sorted()
        return """
            [daemon]
            socket_mode = "0600"
            [calendar]
            years = [2025, 2026]
            \(units.map { "[[unit]]\nid = \"\($0)\"\n" }.joined(separator: "\n"))
            """
    }
}
