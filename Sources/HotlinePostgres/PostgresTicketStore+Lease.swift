import HotlineStore
import PostgresNIO

extension PostgresTicketStore: ClockLease {
    /// The lease row `sla-clock` (schema v5).
    public var clockLease: (any ClockLease)? { self }

    /// The lease's name in the `lease` table.
    static let clockLeaseName = "sla-clock"

    /// One statement: the row is written when the lease is free, ran out or is the holder's
    /// own, by the server's clock (`clock_timestamp()`); otherwise the holder as it stands.
    public func claimClockLease(for holder: LeaseHolder, term: Duration) async throws -> LeaseHolder {
        let millis = term.components.seconds * 1000 + term.components.attoseconds / 1_000_000_000_000_000
        let rows = try await rows(
            """
            WITH claimed AS (
                INSERT INTO lease (name, holder, node, acquired_at, expires_at)
                VALUES ($1, $2, $3, clock_timestamp(), clock_timestamp() + $4 * interval '1 millisecond')
                ON CONFLICT (name) DO UPDATE SET
                    holder = excluded.holder, node = excluded.node,
                    acquired_at = CASE WHEN lease.holder = excluded.holder THEN lease.acquired_at
                                       ELSE excluded.acquired_at END,
                    expires_at = excluded.expires_at
                WHERE lease.holder = excluded.holder OR lease.expires_at < clock_timestamp()
                RETURNING holder, node
            )
            SELECT holder, node FROM claimed
            UNION ALL
            SELECT holder, node FROM lease WHERE name = $1 AND NOT EXISTS (SELECT 1 FROM claimed)
            """,
            Self.bindings(Self.clockLeaseName, holder.id, holder.node, millis)
        )
        guard let row = rows.first else { throw StoreError.corrupt("lease \(Self.clockLeaseName) vanished") }
        let (id, node) = try row.decode((String, String).self)
        return LeaseHolder(id: id, node: node)
    }

    /// Deletes the row when it is the holder's.
    public func releaseClockLease(of holder: LeaseHolder) async throws {
        _ = try await rows(
            "DELETE FROM lease WHERE name = $1 AND holder = $2",
            Self.bindings(Self.clockLeaseName, holder.id)
        )
    }
}
