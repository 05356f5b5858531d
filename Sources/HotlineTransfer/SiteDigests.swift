import Foundation
import HotlineCore
import HotlineStore

/// Every logical table of a site, read through a store and digested: what a transfer
/// compares between its source and its copy. The stored tables are read record by record;
/// the figures, hot spots and `Status` counts are read as a supervisor reads them, a day of
/// UTC at a time over every day that received tickets, so that rollups built differently
/// on each side (kept by every change at the source, built at once in the copy) must
/// agree to the last count.
public struct SiteDigests: Sendable, Equatable {
    /// The tables, in a fixed order.
    public var tables: [TableDigest]
    /// The units and days the figures were read for.
    public var scope: FigureScope

    /// The units and days whose figures are compared: the lead units of the tickets, and
    /// the UTC days from the first ticket's receipt to the last one's.
    public struct FigureScope: Sendable, Equatable {
        /// The units, sorted.
        public var units: [String]
        /// The first day (days since 1970, UTC), nil when there are no tickets.
        public var firstDay: Int64?
        /// The last day.
        public var lastDay: Int64?
    }

    /// The table names, in order.
    public static let tableNames = [
        "tickets", "events", "deadlines", "checks", "knowledge entries", "knowledge versions", "knowledge imports",
        "figures", "hot spots", "status",
    ]

    /// How many tickets or entries one read takes.
    static let pageSize = 500

    /// Reads and digests every table of `store`; the figures over `scope` when given (the
    /// source's, for a copy), over the store's own tickets otherwise.
    public static func read(
        _ store: any TransferSource,
        scope given: FigureScope? = nil,
        progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> SiteDigests {
        var tickets = DigestBuilder("tickets")
        var events = DigestBuilder("events")
        var deadlines = DigestBuilder("deadlines")
        var checks = DigestBuilder("checks")
        var units = Set<String>()
        var firstDay: Int64?
        var lastDay: Int64?
        var after: Int64?
        while true {
            let page = try await store.exportTickets(after: after, limit: pageSize)
            for transferred in page.tickets {
                let ticket = transferred.ticket
                try tickets.add(ticket)
                try events.add(transferred.events, prefix: ticket.id, count: transferred.events.count)
                try deadlines.add(transferred.deadlines, prefix: ticket.id, count: transferred.deadlines.count)
                try checks.add(transferred.checks, prefix: ticket.id, count: transferred.checks.count)
                if let unit = ticket.unit { units.insert(unit) }
                let day = ticket.receivedAt.millis.floorDivided(by: 86_400_000)
                firstDay = min(firstDay ?? day, day)
                lastDay = max(lastDay ?? day, day)
            }
            guard let last = page.last else { break }
            after = last
            if tickets.rows % 10_000 < pageSize { progress("read \(tickets.rows) tickets") }
        }
        var entries = DigestBuilder("knowledge entries")
        var versions = DigestBuilder("knowledge versions")
        after = nil
        while true {
            let page = try await store.exportEntries(after: after, limit: pageSize)
            for transferred in page.entries {
                try entries.add(
                    EntryText(entry: transferred.entry, note: transferred.note, importID: transferred.importID)
                )
                try versions.add(transferred.versions, prefix: transferred.entry.id, count: transferred.versions.count)
            }
            guard let last = page.last else { break }
            after = last
        }
        var imports = DigestBuilder("knowledge imports")
        for open in try await store.exportImports() { try imports.add(open) }

        let scope = given ?? FigureScope(units: units.sorted(), firstDay: firstDay, lastDay: lastDay)
        var figures = DigestBuilder("figures")
        var hotspots = DigestBuilder("hot spots")
        if let first = scope.firstDay, let last = scope.lastDay {
            for day in first...last {
                let from = Date(millis: day * 86_400_000)
                let to = Date(millis: (day + 1) * 86_400_000)
                let read = try await store.figures(from: from, to: to, units: scope.units)
                // In the units' order: a store gives them in an order of its own.
                let units = read.units.sorted { $0.unit < $1.unit }
                try figures.add(DayFigures(units: units, centre: read.centre), prefix: "\(day)")
                for key in HotspotKey.allCases {
                    let spots = try await store.hotspots(from: from, to: to, by: key, limit: Int(Int32.max))
                    try hotspots.add(
                        DayHotspots(rows: spots.rows, total: spots.total),
                        prefix: "\(day) \(key.rawValue)",
                        count: spots.rows.count
                    )
                }
            }
        }
        var status = DigestBuilder("status")
        try status.add(try await store.statusCounts())
        return SiteDigests(
            tables: [
                tickets.finish(), events.finish(), deadlines.finish(), checks.finish(), entries.finish(),
                versions.finish(), imports.finish(), figures.finish(), hotspots.finish(), status.finish(),
            ],
            scope: scope
        )
    }

    /// The tables whose digests differ from `other`'s.
    public func differences(from other: SiteDigests) -> [String] {
        zip(tables, other.tables).filter { $0 != $1 }.map(\.0.table)
    }

    /// An entry's canonical text: the entry, its note and its open import.
    private struct EntryText: Encodable {
        var entry: KnowledgeEntry
        var note: String?
        var importID: String?
    }

    /// A day's figures.
    private struct DayFigures: Encodable {
        var units: [UnitStats]
        var centre: CentreStats
    }

    /// A day's hot spots by one key.
    private struct DayHotspots: Encodable {
        var rows: [Hotspot]
        var total: Int
    }
}
