extension PostgresSchema {
    /// What several daemons on one database share beyond the tickets: the notices and the
    /// SLA clock's lease.
    ///
    /// **Notices.** Every change writes its notices into `notice` in its own transaction, and
    /// every daemon reads them back for its watchers, so each Watch stream of each daemon
    /// carries each notice once, whichever daemon made it. A notice is keyed by its writing
    /// transaction's id (`xid`) and its own sequence number; a reader takes only the notices
    /// of transactions older than the oldest one of this database still running
    /// (`hotline_notice_bound`), in (xid, seq) order, and remembers where it stopped. A
    /// transaction that commits late therefore cannot slip in behind a reader's position,
    /// which a plain sequence read would allow (sequence numbers are drawn before commit, in
    /// another order). Transactions of the server's other databases cannot write here, so a
    /// long one there (a bulk load of another application) does not hold the notices back.
    /// The daemons read the table every tenth of a second; no LISTEN/NOTIFY (see
    /// `NoticeRelay` for why).
    ///
    /// **The clock's lease.** One row per lease (`sla-clock`): who holds it and until when,
    /// by the database's own clock, so that the daemons' clocks need not agree.
    static var v5: [String] {
        [
            """
            CREATE TABLE notice (
                xid        bigint      NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
                seq        bigint      GENERATED ALWAYS AS IDENTITY,
                written_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                at         timestamptz NOT NULL,
                kind       text        NOT NULL
                    CHECK (kind IN ('dispatched', 'due_soon', 'overdue', 'bad_rating', 'reopened', 'callback_due', 'urged')),
                ticket_id  text        NOT NULL,
                unit       text,
                co_units   text[]      NOT NULL DEFAULT '{}',
                deadline   text        CHECK (deadline IN ('claim', 'resolve', 'phase', 'callback', 'rating')),
                PRIMARY KEY (xid, seq)
            )
            """,
            "CREATE INDEX notice_written ON notice USING brin (written_at)",
            // The transactions running in the statement's snapshot (pg_snapshot_xip), less those
            // that pg_stat_activity shows in another database, read after the snapshot: one that
            // has ended since is counted as this database's (a moment's delay, never a loss).
            // Without any, the snapshot's xmax: everything before it has ended.
            """
            CREATE FUNCTION hotline_notice_bound() RETURNS bigint LANGUAGE sql STABLE AS $$
                WITH elsewhere AS (
                    SELECT backend_xid FROM pg_stat_activity
                    WHERE backend_xid IS NOT NULL
                      AND datid IS DISTINCT FROM (SELECT oid FROM pg_database WHERE datname = current_database())
                )
                SELECT coalesce(
                    (SELECT min(x::text::bigint) FROM pg_snapshot_xip(pg_current_snapshot()) AS x
                     WHERE ((x::text::bigint) % 4294967296)::text::xid NOT IN (SELECT backend_xid FROM elsewhere)),
                    pg_snapshot_xmax(pg_current_snapshot())::text::bigint)
            $$
            """,
            """
            CREATE TABLE lease (
                name        text        PRIMARY KEY,
                holder      text        NOT NULL,
                node        text        NOT NULL,
                acquired_at timestamptz NOT NULL,
                expires_at  timestamptz NOT NULL
            )
            """,
        ]
    }
}
