import Foundation
import HotlineCore
import HotlineTesting
import Logging
import PostgresNIO
import Testing

@testable import HotlinePostgres

@Suite(
    "A ticket as a PostgreSQL row",
    .enabled(if: TestPostgres.available, "scripts/test starts a PostgreSQL server (as root) for these")
)
struct TicketRowTests {
    /// A ticket with every field set, times with sub-millisecond parts.
    static func everything(_ id: String, key: String) -> Ticket {
        let t0 = Date(timeIntervalSince1970: 1_790_000_000.123_456)
        var ticket = Ticket(
            id: id,
            channel: .mailbox,
            submissionId: key,
            status: .closed,
            priority: .urgent,
            category: "water-supply",
            title: "停水",
            content: "小区停水三天了，\"引号\"与\\反斜杠",
            citizen: Citizen(name: "张三丰", phone: "+86 138-1234-5678"),
            location: Location(district: "岳阳楼区", address: "建设路1号"),
            receivedAt: t0,
            deadline: t0.addingTimeInterval(86400)
        )
        ticket.unit = "water"
        ticket.coUnits = ["gas", "power"]
        for path in [
            \Ticket.dispatchedAt, \.claimedAt, \.claimBy, \.dueBy, \.repliedAt, \.ratingBy, \.callbackBy, \.phaseDueBy,
            \.extensionUntil, \.closedAt, \.reopenedAt, \.ratedAt, \.phaseStartedAt,
        ].enumerated() {
            ticket[keyPath: path.element] = t0.addingTimeInterval(Double(path.offset + 1) * 60.000_7)
        }
        ticket.overdue = true
        ticket.supervised = true
        ticket.longTerm = true
        ticket.extensionPending = true
        ticket.extensionLongTerm = true
        ticket.rating = .dissatisfied
        ticket.solved = false
        ticket.callbackAttempts = 2
        ticket.closedAs = .callback
        ticket.unitOverdue = true
        ticket.resolveOverdue = true
        ticket.badRated = true
        ticket.calledBack = true
        ticket.rectified = true
        ticket.extended = true
        ticket.claimOverdue = true
        ticket.urged = 3
        ticket.answeredBy = .unit
        ticket.result = "已修复"
        ticket.knowledge = ["K000001", "K000002"]
        ticket.centreAnswered = false
        return ticket
    }

    @Test("Every field goes in and comes back; times to the millisecond, as on SQLite")
    func roundTrip() async throws {
        try await withFreshDatabase { databases, _ in
            let database = databases[0]
            try await database.migrate()
            let logger = Logger(label: "test")
            let full = Self.everything("20260922-0001", key: "m-1")
            var bare = Ticket(
                id: "20260922-0002",
                channel: .hotline,
                submissionId: "h-1",
                content: "路灯不亮",
                receivedAt: Date(timeIntervalSince1970: 1_790_000_100)
            )
            bare.status = .pending
            for ticket in [full, bare] {
                try await database.client.query(
                    PostgresQuery(unsafeSQL: Ticket.postgresInsertSQL, binds: ticket.postgresBindings),
                    logger: logger
                )
            }
            let rows = try await database.client.query(
                PostgresQuery(
                    unsafeSQL: "SELECT \(Ticket.postgresSelectedColumns("t")) FROM ticket t ORDER BY t.seq"
                ),
                logger: logger
            ).collect()
            let read = try rows.map { try Ticket(postgresRow: $0) }
            var expected = full
            expected.receivedAt = Date(timeIntervalSince1970: Double(expected.receivedAt.millis) / 1000)
            for path in [
                \Ticket.deadline, \.dispatchedAt, \.claimedAt, \.claimBy, \.dueBy, \.repliedAt, \.ratingBy,
                \.callbackBy, \.phaseDueBy,
                \.extensionUntil, \.closedAt, \.reopenedAt, \.ratedAt, \.phaseStartedAt,
            ] {
                expected[keyPath: path] = expected[keyPath: path].map {
                    Date(timeIntervalSince1970: Double($0.millis) / 1000)
                }
            }
            #expect(read.count == 2)
            #expect(read.first == expected, "every field of a full ticket")
            #expect(read.last == bare, "a ticket with only what Submit sets")
        }
    }
}
