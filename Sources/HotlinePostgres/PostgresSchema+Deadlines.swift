extension PostgresSchema {
    /// The SLA clock's tables and the figures' rollups, as on SQLite (see its v5 and v6):
    /// `deadline` keeps each running deadline's definition; `deadline_check` the moments the
    /// clock must still look at, keyed by time, each carrying what the sweep needs so that
    /// the ticket is not read; `deadline_passed` the passings not yet folded into their
    /// tickets. A sweep takes due checks with `FOR UPDATE SKIP LOCKED` and deletes them in
    /// the transaction that records the passing, so a check is taken once whoever sweeps.
    /// The rollups are per UTC hour of receipt (hours since 1970).
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
            fire_at         timestamptz NOT NULL,
            ticket_id       text        NOT NULL,
            kind            text        NOT NULL CHECK (kind IN ('claim', 'resolve', 'phase', 'callback', 'rating')),
            stage           text        NOT NULL CHECK (stage IN ('warn', 'due')),
            due_at          timestamptz NOT NULL,
            channel         text        NOT NULL,
            unit            text,
            co_units        jsonb       NOT NULL,
            received_at     timestamptz NOT NULL,
            replied         boolean     NOT NULL,
            unit_overdue    boolean     NOT NULL,
            resolve_overdue boolean     NOT NULL,
            PRIMARY KEY (fire_at, ticket_id, kind, stage)
        )
        """,
        "CREATE INDEX deadline_check_ticket ON deadline_check (ticket_id)",
        """
        CREATE TABLE deadline_passed (
            ticket_id text        NOT NULL,
            kind      text        NOT NULL CHECK (kind IN ('claim', 'resolve', 'phase', 'callback')),
            at        timestamptz NOT NULL,
            unit      text,
            PRIMARY KEY (ticket_id, kind, at)
        )
        """,
        """
        CREATE TABLE unit_hour (
            hour            bigint  NOT NULL,
            unit            text    NOT NULL,
            dispatched      integer NOT NULL DEFAULT 0,
            claim_due       integer NOT NULL DEFAULT 0,
            claimed_on_time integer NOT NULL DEFAULT 0,
            reply_due       integer NOT NULL DEFAULT 0,
            replied         integer NOT NULL DEFAULT 0,
            replied_on_time integer NOT NULL DEFAULT 0,
            rated           integer NOT NULL DEFAULT 0,
            solved          integer NOT NULL DEFAULT 0,
            satisfied       integer NOT NULL DEFAULT 0,
            bad_ratings     integer NOT NULL DEFAULT 0,
            callbacks_done  integer NOT NULL DEFAULT 0,
            rectified       integer NOT NULL DEFAULT 0,
            overdue         integer NOT NULL DEFAULT 0,
            extended        integer NOT NULL DEFAULT 0,
            urged           integer NOT NULL DEFAULT 0,
            PRIMARY KEY (hour, unit)
        )
        """,
        """
        CREATE TABLE centre_hour (
            hour           bigint  PRIMARY KEY,
            received       integer NOT NULL DEFAULT 0,
            answered       integer NOT NULL DEFAULT 0,
            rated          integer NOT NULL DEFAULT 0,
            satisfied      integer NOT NULL DEFAULT 0,
            bad_ratings    integer NOT NULL DEFAULT 0,
            callbacks_done integer NOT NULL DEFAULT 0
        )
        """,
        """
        CREATE TABLE hotspot_hour (
            kind    smallint NOT NULL CHECK (kind BETWEEN 0 AND 3),
            hour    bigint   NOT NULL,
            present boolean  NOT NULL,
            key     text     NOT NULL,
            count   integer  NOT NULL,
            PRIMARY KEY (kind, hour, present, key)
        )
        """,
    ]
}
