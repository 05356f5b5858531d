extension PostgresSchema {
    /// The SLA clock's tables, as on SQLite (see its v5): `deadline` keeps each running
    /// deadline's definition; `deadline_check` the moments the clock must still look at,
    /// keyed by time; `deadline_passed` the passings not yet folded into their tickets. A
    /// sweep takes due checks with `FOR UPDATE SKIP LOCKED` and deletes them in the
    /// transaction that records the passing, so a check is taken once whoever sweeps. A
    /// check carries what its notice needs (channel, lead unit, co-units, time of receipt),
    /// kept up to date by the commands that change them, so that a sweep reads no ticket:
    /// joining 10,000 checks to their tickets was 10,000 random reads of a large table. There
    /// are no figure rollups: a shared rollup row would be a lock every
    /// Submit of the hour waits on until the one before it commits; the server counts a
    /// period's tickets itself.
    static let v2: [String] = [
        """
        CREATE TABLE deadline (
            ticket_id text        NOT NULL REFERENCES ticket(id),
            kind      text        NOT NULL CHECK (kind IN ('claim', 'resolve', 'phase', 'callback', 'rating')),
            start_at  timestamptz NOT NULL,
            warn_at   timestamptz NOT NULL,
            due_at    timestamptz NOT NULL,
            PRIMARY KEY (ticket_id, kind),
            CHECK (start_at <= warn_at AND warn_at <= due_at)
        )
        """,
        """
        CREATE TABLE deadline_check (
            fire_at   timestamptz NOT NULL,
            ticket_id text        NOT NULL REFERENCES ticket(id),
            kind      text        NOT NULL CHECK (kind IN ('claim', 'resolve', 'phase', 'callback', 'rating')),
            stage     text        NOT NULL CHECK (stage IN ('warn', 'due')),
            due_at    timestamptz NOT NULL,
            channel   text        NOT NULL,
            unit      text,
            co_units  jsonb       NOT NULL,
            received_at timestamptz NOT NULL,
            PRIMARY KEY (fire_at, ticket_id, kind, stage)
        )
        """,
        "CREATE INDEX deadline_check_ticket ON deadline_check (ticket_id, kind, stage)",
        """
        CREATE TABLE deadline_passed (
            ticket_id text        NOT NULL,
            kind      text        NOT NULL CHECK (kind IN ('claim', 'resolve', 'phase', 'callback')),
            at        timestamptz NOT NULL,
            unit      text,
            PRIMARY KEY (ticket_id, kind, at)
        )
        """,
    ]
}
