import HotlineCore

/// The PostgreSQL schema as named, append-only migrations, each a list of statements run in
/// one transaction; the applied names are kept in `hotline_migration`. Never edit a
/// migration that has shipped: add one. Several daemons starting at once take turns (an
/// advisory lock held for the transaction), so each migration runs exactly once.
///
/// The same rules hold as on SQLite, in the schema itself: CHECKs on every enumerated
/// column and on the status invariants, the idempotency key unique, events append-only.
/// Times are `timestamptz` (to the millisecond, as the store writes them), so that an
/// administrator reads them as times.
enum PostgresSchema {
    /// One migration: its name and its statements.
    struct Migration: Sendable {
        let name: String
        let statements: [String]
    }

    /// The key of the advisory lock migrations take (any fixed number; this one spells
    /// "hotline" in the digits of a phone keypad).
    static let migrationLock: Int64 = 4_685_463

    /// Every migration in order.
    static let migrations: [Migration] = [
        Migration(name: "v1-tickets-events-and-numbers", statements: v1),
        Migration(name: "v2-deadlines", statements: v2),
        Migration(name: "v3-search-and-knowledge", statements: v3),
        Migration(name: "v4-figure-rollups", statements: v4),
        Migration(name: "v5-shared-notices-and-clock-lease", statements: v5),
    ]

    private static func list(_ values: [String]) -> String {
        values.map { "'\($0)'" }.joined(separator: ", ")
    }

    /// Tickets, their co-handling units and events, and ticket numbers (v2 and v3 are in
    /// `PostgresSchema+Deadlines.swift` and `PostgresSchema+Knowledge.swift`). Until the daemon serves PostgreSQL no site has these:
    /// they may still change until then, and only by new migrations after.
    ///
    /// A ticket's id is its local day and that day's sequence (`20261202-0042`). Each day
    /// has a sequence of its own, made on the day's first Submit, so that no Submit waits on
    /// another's row lock for its number: `nextval` takes none, and a number lost to a
    /// rolled-back Submit (or to a repeated idempotency key) leaves a gap, as on SQLite.
    static let v1: [String] = [
        """
        CREATE TABLE ticket (
            seq               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id                text        NOT NULL UNIQUE,
            channel           text        NOT NULL CHECK (channel IN ('hotline', 'mailbox', 'web', 'other')),
            submission_id     text        NOT NULL CHECK (length(submission_id) > 0),
            status            text        NOT NULL CHECK (status IN (\(list(["pending", "dispatched", "claimed", "replied", "callback", "reopened", "closed"])))),
            priority          text        NOT NULL CHECK (priority IN ('normal', 'urgent')),
            category          text,
            title             text,
            content           text        NOT NULL,
            citizen_name      text,
            citizen_phone     text,
            district          text,
            address           text,
            unit              text,
            co_units          jsonb       NOT NULL DEFAULT '[]',
            received_at       timestamptz NOT NULL,
            deadline          timestamptz,
            dispatched_at     timestamptz,
            claimed_at        timestamptz,
            claim_by          timestamptz,
            due_by            timestamptz,
            replied_at        timestamptz,
            rating_by         timestamptz,
            callback_by       timestamptz,
            overdue           boolean     NOT NULL DEFAULT false,
            supervised        boolean     NOT NULL DEFAULT false,
            long_term         boolean     NOT NULL DEFAULT false,
            phase_due_by      timestamptz,
            extension_pending boolean     NOT NULL DEFAULT false,
            extension_until   timestamptz,
            extension_long_term boolean   NOT NULL DEFAULT false,
            rating            text        CHECK (rating IN (\(list(["very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied"])))),
            solved            boolean,
            callback_attempts integer     NOT NULL DEFAULT 0 CHECK (callback_attempts >= 0),
            duplicate_of      text        REFERENCES ticket(id),
            closed_as         text        CHECK (closed_as IN ('rated', 'unrated', 'callback', 'duplicate')),
            closed_at         timestamptz,
            reopened_at       timestamptz,
            rated_at          timestamptz,
            phase_started_at  timestamptz,
            unit_overdue      boolean     NOT NULL DEFAULT false,
            resolve_overdue   boolean     NOT NULL DEFAULT false,
            claim_overdue     boolean     NOT NULL DEFAULT false,
            bad_rated         boolean     NOT NULL DEFAULT false,
            called_back       boolean     NOT NULL DEFAULT false,
            rectified         boolean     NOT NULL DEFAULT false,
            extended          boolean     NOT NULL DEFAULT false,
            urged             integer     NOT NULL DEFAULT 0 CHECK (urged >= 0),
            answered_by       text        CHECK (answered_by IN ('centre', 'unit')),
            result            text,
            knowledge         jsonb       NOT NULL DEFAULT '[]',
            centre_answered   boolean     NOT NULL DEFAULT false,
            UNIQUE (channel, submission_id),
            CONSTRAINT ticket_closed_has_outcome
                CHECK ((status = 'closed') = (closed_as IS NOT NULL AND closed_at IS NOT NULL)),
            CONSTRAINT ticket_handled_has_unit
                CHECK (status IN ('pending', 'closed') OR unit IS NOT NULL
                       OR (centre_answered AND status IN ('replied', 'callback'))),
            CONSTRAINT ticket_duplicate_names_original CHECK ((closed_as = 'duplicate') = (duplicate_of IS NOT NULL)),
            CONSTRAINT ticket_callback_has_deadline CHECK (status <> 'callback' OR callback_by IS NOT NULL)
        )
        """,
        "CREATE INDEX ticket_status ON ticket (status)",
        "CREATE INDEX ticket_unit ON ticket (unit, status)",
        "CREATE INDEX ticket_received ON ticket (received_at, unit)",
        "CREATE INDEX ticket_duplicate ON ticket (duplicate_of)",
        "CREATE INDEX ticket_phone ON ticket (citizen_phone, category, received_at) WHERE citizen_phone IS NOT NULL",
        "CREATE INDEX ticket_overdue ON ticket (status) WHERE overdue",
        """
        CREATE TABLE ticket_co_unit (
            ticket_id text NOT NULL REFERENCES ticket(id),
            unit      text NOT NULL,
            PRIMARY KEY (ticket_id, unit)
        )
        """,
        "CREATE INDEX ticket_co_unit_unit ON ticket_co_unit (unit, ticket_id)",
        """
        CREATE TABLE event (
            seq       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            ticket_id text        NOT NULL REFERENCES ticket(id),
            at        timestamptz NOT NULL,
            kind      text        NOT NULL CHECK (kind IN (\(list(TicketEventKind.allCases.map(\.rawValue))))),
            actor_uid bigint      NOT NULL CHECK (actor_uid >= 0),
            role      text        NOT NULL CHECK (role IN ('admin', 'operator', 'supervisor', 'unit', 'none', 'system')),
            unit      text,
            note      text
        )
        """,
        "CREATE INDEX event_ticket ON event (ticket_id, seq)",
        "CREATE INDEX event_returned ON event (unit, ticket_id) WHERE kind = 'returned'",
        """
        CREATE FUNCTION hotline_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% rows are never changed or deleted', TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END
        $$
        """,
        """
        CREATE TRIGGER event_is_append_only BEFORE UPDATE OR DELETE ON event
            FOR EACH ROW EXECUTE FUNCTION hotline_refuse_change()
        """,
        // The next id of a local day (`20261202` gives `20261202-0042`), from that day's own
        // sequence, made when it is missing: a Submit racing another to make it waits for the
        // other's commit and then uses the sequence it made.
        """
        CREATE FUNCTION hotline_next_ticket_id(day text) RETURNS text LANGUAGE plpgsql AS $$
        DECLARE
            name text := 'ticket_number_' || day;
            n bigint;
        BEGIN
            IF day !~ '^[0-9]{8}$' THEN
                RAISE EXCEPTION 'a ticket day is eight digits, not %', day USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF to_regclass(name) IS NULL THEN
                BEGIN
                    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', name);
                EXCEPTION WHEN unique_violation OR duplicate_table THEN
                    NULL;
                END;
            END IF;
            n := nextval(name);
            RETURN day || '-' || CASE WHEN n < 10000 THEN lpad(n::text, 4, '0') ELSE n::text END;
        END
        $$
        """,
        // Instants cross the wire as milliseconds since 1970 where they travel in bulk (JSON
        // record sets, arrays): exact both ways, as the store keeps every time.
        """
        CREATE FUNCTION hotline_time(ms bigint) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE
            RETURN timestamptz 'epoch' + ms * interval '1 millisecond'
        """,
        """
        CREATE FUNCTION hotline_ms(t timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE
            RETURN floor(extract(epoch FROM t) * 1000)::bigint
        """,
        "CREATE INDEX ticket_phone_digits ON ticket ((\(PhoneNumber.sqlDigits("citizen_phone")))) WHERE citizen_phone IS NOT NULL",
    ]
}
