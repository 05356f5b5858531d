import Foundation
import HotlineCore
import HotlineStore
import HotlineSystemd
import Logging
import Synchronization
import Testing

@testable import HotlineDaemon

/// Keeps what is logged through it.
struct CapturingHandler: LogHandler {
    /// One entry.
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    final class Entries: Sendable {
        let all = Mutex<[Entry]>([])
    }

    let entries: Entries
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).mapValues { "\($0)" }
        entries.all.withLock { $0.append(Entry(level: event.level, message: "\(event.message)", metadata: fields)) }
    }
}

@Suite("The SLA clock's journal lines: one by one within the budget, summaries past it")
struct SweepLogTests {
    static let units = ["water", "power", "gas"]

    /// `count` passed resolve deadlines spread over the three units, with as many due-soon notices.
    static func flood(_ count: Int) -> SweepResult {
        let due = Date(timeIntervalSince1970: 1_790_000_000)
        let passed = (0..<count).map { n in
            DeadlineCheck(
                ticketID: String(format: "20261203-%05d", n),
                kind: .resolve,
                stage: .due,
                due: due,
                channel: .hotline,
                unit: units[n % units.count],
                coUnits: [],
                receivedAt: due.addingTimeInterval(-86400),
                replied: false
            )
        }
        let notices = (0..<count).map { n in
            Notice(
                at: due,
                kind: .dueSoon,
                ticketID: String(format: "20261203-%05d", n),
                unit: units[n % units.count],
                deadline: .claim
            )
        }
        return SweepResult(examined: 2 * count, more: false, passed: passed, closed: [], notices: notices)
    }

    static func logged(_ results: [SweepResult], budget: JournalBudget) -> [CapturingHandler.Entry] {
        let entries = CapturingHandler.Entries()
        let logger = Logger(label: "test") { _ in CapturingHandler(entries: entries) }
        SweepFollowUp.write(results, budget: budget, to: logger)
        return entries.all.withLock { $0 }
    }

    @Test("Within the budget every passing and warning is a line of its own, and nothing is summarised")
    func withinBudget() {
        let entries = Self.logged([Self.flood(100)], budget: JournalBudget(lines: 500))
        #expect(entries.count == 200)
        #expect(entries.filter { $0.metadata[MessageID.metadataKey] == MessageID.overdue.rawValue }.count == 100)
        #expect(!entries.contains { $0.metadata[MessageID.metadataKey] == MessageID.sweepSummary.rawValue })
    }

    @Test(
        "12,000 passings past a 2,000-line budget: 2,000 lines, then a summary per unit and kind that accounts for the rest"
    )
    func flood() {
        // A window of an hour: nothing refills while the test writes.
        let entries = Self.logged([Self.flood(12_000)], budget: JournalBudget(lines: 2000, window: .seconds(3600)))
        let summaries = entries.filter { $0.metadata[MessageID.metadataKey] == MessageID.sweepSummary.rawValue }
        #expect(entries.count == 2000 + summaries.count)
        #expect(summaries.count == 6, "one per unit for overdue and for due soon")
        func total(_ event: String, id: MessageID) -> Int {
            entries.filter { $0.metadata[MessageID.metadataKey] == id.rawValue }.count
                + summaries.filter { $0.metadata["event"] == event }.compactMap { Int($0.metadata["count"] ?? "") }
                .reduce(0, +)
        }
        #expect(total("overdue", id: .overdue) == 12_000)
        #expect(total("due_soon", id: .dueSoon) == 12_000)
        // At the priority of the lines they stand for, naming the unit and the deadline.
        for summary in summaries {
            #expect(summary.level == (summary.metadata["event"] == "overdue" ? .error : .warning))
            #expect(Self.units.contains(summary.metadata["unit"] ?? ""))
            #expect(summary.message.contains("hotlinectl list"))
        }
        #expect(summaries.contains { $0.metadata["event"] == "overdue" && $0.metadata["deadline"] == "resolve" })
    }

    @Test("The budget is shared by the sweeps within its window, and refills over it")
    func sharedAndRefilled() async throws {
        func lines(_ entries: [CapturingHandler.Entry]) -> Int {
            entries.filter { $0.metadata[MessageID.metadataKey] != MessageID.sweepSummary.rawValue }.count
        }
        // An hour's window: nothing refills while the test runs.
        let shared = JournalBudget(lines: 100, window: .seconds(3600))
        #expect(lines(Self.logged([Self.flood(30)], budget: shared)) == 60)
        #expect(lines(Self.logged([Self.flood(30)], budget: shared)) == 40, "the 40 lines left of this window")
        // A window of half a second, spent, then waited out: full again (never more than full).
        let refilling = JournalBudget(lines: 100, window: .milliseconds(500))
        #expect(lines(Self.logged([Self.flood(100)], budget: refilling)) >= 100)
        try await Task.sleep(for: .milliseconds(600))
        #expect(lines(Self.logged([Self.flood(30)], budget: refilling)) == 60)
        #expect(lines(Self.logged([Self.flood(100)], budget: refilling)) < 200)
    }
}
