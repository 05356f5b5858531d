import GRDB
import HotlineCore
import HotlineStore

/// The database schema as named, append-only migrations. The applied list lives in the
/// database (`grdb_migrations`); never edit a migration that has shipped, add one.
enum Schema {
    /// Every migration in order.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-tickets-and-events") { db in
            try db.execute(sql: v1)
        }
        // Ticket numbers are read from the tickets and counted in memory (SQLiteTicketStore.nextID).
        migrator.registerMigration("v2-ticket-numbers-from-ids") { db in
            try db.execute(sql: "DROP TABLE ticketSequence")
        }
        // Status (and the 5-second STATUS= line) counts through indexes only: open tickets by
        // status through ticket_status, overdue ones through this small partial index.
        migrator.registerMigration("v3-overdue-index") { db in
            try db.execute(sql: "CREATE INDEX ticket_overdue ON ticket(status) WHERE overdue = 1")
        }
        // CHECK (x IN (…)) cost ≈ 6 µs per row written; the same rules as equality chains
        // (see CheckConstraintRewrite).
        migrator.registerMigration("v4-checks-without-in-lists") { db in
            try CheckConstraintRewrite.apply(to: ["ticket", "event", "deadline"], db)
        }
        // The SLA clock's work in time order (see v5 below): a sweep writes only a contiguous
        // range of deadlineCheck and a small deadlinePassed, never rows found by ticket.
        migrator.registerMigration("v5-deadline-checks-in-time-order") { db in
            try db.execute(sql: v5)
        }
        // Stats count only the tickets whose outcome is known (claimed or past the claim
        // deadline, replied or past the due time), so the rollup gains those two counts and
        // the ticket the fact behind the first; the rollup moves to hours of UTC, so that a
        // period not aligned to days scans at most two partial hours.
        // The same release counts urging (催办): the times a ticket was urged, the rollup's
        // count of urged tickets, and the event kind, which an earlier release's CHECK lacks.
        // The rollup is rebuilt by the current code, so this must stay the last migration that
        // changes a column the rollup or the ticket row reads; a later one rebuilds it again.
        migrator.registerMigration("v6-stats-by-known-outcome") { db in
            try db.execute(sql: v6)
            try CheckConstraintRewrite.rewrite(["event"], db) { sql in
                CheckConstraintRewrite.widening(sql, column: "kind", to: TicketEventKind.allCases.map(\.rawValue))
            }
            // A ticket the centre answered has no unit while replied or owing its call-back.
            try CheckConstraintRewrite.rewrite(["ticket"], db) { sql in
                sql.replacingOccurrences(of: unitRule, with: unitRuleWithCentreAnswers)
            }
            let ticketSQL = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE name = 'ticket'") ?? ""
            guard ticketSQL.contains(unitRuleWithCentreAnswers) else {
                throw StoreError.corrupt("the ticket table's unit rule is not the one v6 expects: \(unitRule)")
            }
            try SQLiteTicketStore.rebuildRollup(db)
            try db.execute(
                sql: "CREATE INDEX ticket_phone_digits ON ticket(\(PhoneNumber.sqlDigits("citizenPhone")), receivedAt)"
            )
            // Every ticket waits to be indexed; the daemon does it in the background.
            try db.execute(sql: "INSERT INTO searchQueue (seq) SELECT seq FROM ticket")
        }
        // The search index is written with its ticket, in the same transaction, and keeps no
        // copy of the tokens (contentless) nor their counts: removing a ticket's old tokens
        // computes them again from the text they came from. A separate indexer transaction
        // per batch had cost a Submit more than the index itself; the copy was 85 % of the
        // index's size. The old index goes; every ticket is indexed again in the background.
        migrator.registerMigration("v7-search-index-written-with-tickets") { db in
            try db.execute(sql: v7)
        }
        // The knowledge base: entries, every earlier version kept, their own search index, and
        // imports staged until their last call.
        migrator.registerMigration("v8-knowledge-base") { db in
            try db.execute(sql: v8)
        }
        // Hotspots over a month of a large centre read a few thousand rollup rows instead of
        // every ticket of the month and the month before.
        migrator.registerMigration("v9-hotspot-hours") { db in
            try db.execute(sql: v9)
        }
        return migrator
    }

    private static func list<T: RawRepresentable<String> & CaseIterable>(_ type: T.Type) -> String {
        T.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
    }

    /// Deadlines split by who writes them. `deadline` keeps each running deadline's
    /// definition, written only by ticket changes. `deadlineCheck` holds the moments the
    /// clock must still look at, keyed by time: a sweep takes a contiguous range from its
    /// front, and each row carries what the sweep needs (the units to notify, the channel,
    /// the day figures' keys and whether the ticket already counts as overdue) so that the
    /// ticket is not read. A deadline's stage follows from which of its checks are left
    /// (both: open; `due` only: warned; none: passed). `deadlinePassed` holds the passings
    /// not yet folded, by ticket: each stands for the ticket's overdue flags and its
    /// `overdue` event until the background fold writes them into `ticket`, `event` and the
    /// ticket's remaining checks, and deletes it, so the table stays small. Neither table
    /// has foreign keys: checking them would read the ticket.
    private static let v5 = """
        CREATE TABLE deadlineCheck (
            fireAt     INTEGER NOT NULL,
            ticketId   TEXT    NOT NULL,
            kind       TEXT    NOT NULL CHECK (kind = 'claim' OR kind = 'resolve' OR kind = 'phase' OR kind = 'callback' OR kind = 'rating'),
            stage      TEXT    NOT NULL CHECK (stage = 'warn' OR stage = 'due'),
            dueAt      INTEGER NOT NULL,
            channel    TEXT    NOT NULL,
            unit       TEXT,
            coUnits    TEXT    NOT NULL,
            receivedAt INTEGER NOT NULL,
            replied    INTEGER NOT NULL CHECK (replied = 0 OR replied = 1),
            unitOverdue    INTEGER NOT NULL CHECK (unitOverdue = 0 OR unitOverdue = 1),
            resolveOverdue INTEGER NOT NULL CHECK (resolveOverdue = 0 OR resolveOverdue = 1),
            PRIMARY KEY (fireAt, ticketId, kind, stage)
        ) WITHOUT ROWID;

        CREATE TABLE deadlinePassed (
            ticketId TEXT    NOT NULL,
            kind     TEXT    NOT NULL CHECK (kind = 'claim' OR kind = 'resolve' OR kind = 'phase' OR kind = 'callback'),
            at       INTEGER NOT NULL,
            unit     TEXT,
            PRIMARY KEY (ticketId, kind, at)
        ) WITHOUT ROWID;

        -- The checks still to make, from the deadlines' states.
        INSERT INTO deadlineCheck
            SELECT d.warnAt, d.ticketId, d.kind, 'warn', d.dueAt, t.channel, t.unit, t.coUnits, t.receivedAt, t.repliedAt IS NOT NULL,
                   t.unitOverdue, t.resolveOverdue
            FROM deadline d JOIN ticket t ON t.id = d.ticketId
            WHERE d.state = 'open' AND d.kind <> 'rating';
        INSERT INTO deadlineCheck
            SELECT d.dueAt + 1, d.ticketId, d.kind, 'due', d.dueAt, t.channel, t.unit, t.coUnits, t.receivedAt, t.repliedAt IS NOT NULL,
                   t.unitOverdue, t.resolveOverdue
            FROM deadline d JOIN ticket t ON t.id = d.ticketId
            WHERE d.state = 'open' OR d.state = 'warned';

        -- Definitions only: the state and next check now live in deadlineCheck.
        CREATE TABLE deadlineDefinition (
            ticketId TEXT    NOT NULL REFERENCES ticket(id),
            kind     TEXT    NOT NULL CHECK (kind = 'claim' OR kind = 'resolve' OR kind = 'phase' OR kind = 'callback' OR kind = 'rating'),
            startAt  INTEGER NOT NULL,
            warnAt   INTEGER NOT NULL,
            dueAt    INTEGER NOT NULL,
            PRIMARY KEY (ticketId, kind)
        ) WITHOUT ROWID;
        INSERT INTO deadlineDefinition SELECT ticketId, kind, startAt, warnAt, dueAt FROM deadline;
        DROP TABLE deadline;
        ALTER TABLE deadlineDefinition RENAME TO deadline;
        """

    /// Times are integer milliseconds since 1970 (UTC); booleans are 0/1.
    private static let v1 = """
        CREATE TABLE ticket (
            seq               INTEGER PRIMARY KEY AUTOINCREMENT,
            id                TEXT    NOT NULL UNIQUE,
            channel           TEXT    NOT NULL CHECK (channel IN (\(list(SubmissionChannel.self)))),
            submissionId      TEXT    NOT NULL CHECK (length(submissionId) > 0),
            status            TEXT    NOT NULL CHECK (status IN (\(list(TicketStatus.self)))),
            priority          TEXT    NOT NULL CHECK (priority IN (\(list(Priority.self)))),
            category          TEXT,
            title             TEXT,
            content           TEXT    NOT NULL,
            citizenName       TEXT,
            citizenPhone      TEXT,
            district          TEXT,
            address           TEXT,
            unit              TEXT,
            coUnits           TEXT    NOT NULL DEFAULT '[]',
            receivedAt        INTEGER NOT NULL,
            deadline          INTEGER,
            dispatchedAt      INTEGER,
            claimedAt         INTEGER,
            claimBy           INTEGER,
            dueBy             INTEGER,
            repliedAt         INTEGER,
            ratingBy          INTEGER,
            callbackBy        INTEGER,
            overdue           INTEGER NOT NULL DEFAULT 0 CHECK (overdue IN (0, 1)),
            supervised        INTEGER NOT NULL DEFAULT 0 CHECK (supervised IN (0, 1)),
            longTerm          INTEGER NOT NULL DEFAULT 0 CHECK (longTerm IN (0, 1)),
            phaseDueBy        INTEGER,
            extensionPending  INTEGER NOT NULL DEFAULT 0 CHECK (extensionPending IN (0, 1)),
            extensionUntil    INTEGER,
            extensionLongTerm INTEGER NOT NULL DEFAULT 0 CHECK (extensionLongTerm IN (0, 1)),
            rating            TEXT    CHECK (rating IS NULL OR rating IN (\(list(Rating.self)))),
            solved            INTEGER CHECK (solved IS NULL OR solved IN (0, 1)),
            callbackAttempts  INTEGER NOT NULL DEFAULT 0 CHECK (callbackAttempts >= 0),
            duplicateOf       TEXT    REFERENCES ticket(id),
            closedAs          TEXT    CHECK (closedAs IS NULL OR closedAs IN (\(list(ClosedAs.self)))),
            closedAt          INTEGER,
            reopenedAt        INTEGER,
            ratedAt           INTEGER,
            phaseStartedAt    INTEGER,
            unitOverdue       INTEGER NOT NULL DEFAULT 0 CHECK (unitOverdue IN (0, 1)),
            resolveOverdue    INTEGER NOT NULL DEFAULT 0 CHECK (resolveOverdue IN (0, 1)),
            badRated          INTEGER NOT NULL DEFAULT 0 CHECK (badRated IN (0, 1)),
            calledBack        INTEGER NOT NULL DEFAULT 0 CHECK (calledBack IN (0, 1)),
            rectified         INTEGER NOT NULL DEFAULT 0 CHECK (rectified IN (0, 1)),
            extended          INTEGER NOT NULL DEFAULT 0 CHECK (extended IN (0, 1)),
            UNIQUE (channel, submissionId),
            CHECK ((status = 'closed') = (closedAs IS NOT NULL AND closedAt IS NOT NULL)),
            CHECK (status IN ('pending', 'closed') OR unit IS NOT NULL),
            CHECK ((closedAs = 'duplicate') = (duplicateOf IS NOT NULL)),
            CHECK (status <> 'callback' OR callbackBy IS NOT NULL)
        );
        CREATE INDEX ticket_status ON ticket(status);
        CREATE INDEX ticket_unit ON ticket(unit, status);
        CREATE INDEX ticket_received ON ticket(receivedAt, unit);
        -- Backs the self-reference duplicateOf → id, so that foreign-key checks never scan.
        CREATE INDEX ticket_duplicate ON ticket(duplicateOf);
        CREATE INDEX ticket_phone ON ticket(citizenPhone, category, receivedAt) WHERE citizenPhone IS NOT NULL;

        -- The co-handling units of each ticket, so that "tickets this unit may see" is an index look-up.
        CREATE TABLE ticketCoUnit (
            ticketId TEXT NOT NULL REFERENCES ticket(id),
            unit     TEXT NOT NULL,
            PRIMARY KEY (ticketId, unit)
        ) WITHOUT ROWID;
        CREATE INDEX ticketCoUnit_unit ON ticketCoUnit(unit, ticketId);

        -- The audit trail: append-only, enforced by the triggers below.
        CREATE TABLE event (
            seq      INTEGER PRIMARY KEY AUTOINCREMENT,
            ticketId TEXT    NOT NULL REFERENCES ticket(id),
            at       INTEGER NOT NULL,
            kind     TEXT    NOT NULL CHECK (kind IN (\(list(TicketEventKind.self)))),
            actorUid INTEGER NOT NULL CHECK (actorUid >= 0),
            role     TEXT    NOT NULL CHECK (role IN (\(list(Role.Kind.self)))),
            unit     TEXT,
            note     TEXT
        );
        CREATE INDEX event_ticket ON event(ticketId, seq);
        CREATE INDEX event_returned ON event(unit, ticketId) WHERE kind = 'returned';
        CREATE TRIGGER event_is_append_only_update BEFORE UPDATE ON event
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TRIGGER event_is_append_only_delete BEFORE DELETE ON event
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

        -- The running deadlines of each ticket. nextCheck is when the SLA clock must look at
        -- the row again (the due-soon point, then the due time); NULL once it has passed. The
        -- clock only ever reads rows whose nextCheck has come, through the partial index.
        CREATE TABLE deadline (
            ticketId  TEXT    NOT NULL REFERENCES ticket(id),
            kind      TEXT    NOT NULL CHECK (kind IN (\(list(DeadlineKind.self)))),
            startAt   INTEGER NOT NULL,
            warnAt    INTEGER NOT NULL,
            dueAt     INTEGER NOT NULL,
            state     TEXT    NOT NULL CHECK (state IN (\(list(Deadline.State.self)))),
            nextCheck INTEGER,
            PRIMARY KEY (ticketId, kind),
            CHECK ((state = 'passed') = (nextCheck IS NULL))
        ) WITHOUT ROWID;
        CREATE INDEX deadline_next ON deadline(nextCheck) WHERE nextCheck IS NOT NULL;

        -- The monthly figures rolled up per local day of receipt and lead unit, kept current in
        -- the same transaction as every ticket change, so that Stats over whole days sums a few
        -- hundred rows instead of scanning a month of tickets.
        CREATE TABLE unitDay (
            day           TEXT    NOT NULL,
            unit          TEXT    NOT NULL,
            dispatched    INTEGER NOT NULL DEFAULT 0,
            claimedOnTime INTEGER NOT NULL DEFAULT 0,
            replied       INTEGER NOT NULL DEFAULT 0,
            repliedOnTime INTEGER NOT NULL DEFAULT 0,
            rated         INTEGER NOT NULL DEFAULT 0,
            solved        INTEGER NOT NULL DEFAULT 0,
            satisfied     INTEGER NOT NULL DEFAULT 0,
            badRatings    INTEGER NOT NULL DEFAULT 0,
            callbacksDone INTEGER NOT NULL DEFAULT 0,
            rectified     INTEGER NOT NULL DEFAULT 0,
            overdue       INTEGER NOT NULL DEFAULT 0,
            extended      INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (day, unit)
        ) WITHOUT ROWID;

        -- The per-day counter behind readable ticket ids (20261129-0042).
        CREATE TABLE ticketSequence (
            day  TEXT    PRIMARY KEY,
            last INTEGER NOT NULL CHECK (last > 0)
        ) WITHOUT ROWID;
        """

    /// Before v6 only pending and closed tickets had no unit.
    private static let unitRule = "CHECK ((status = 'pending' OR status = 'closed') OR unit IS NOT NULL)"
    private static let unitRuleWithCentreAnswers = """
        CHECK ((status = 'pending' OR status = 'closed') OR unit IS NOT NULL \
        OR (centreAnswered = 1 AND (status = 'replied' OR status = 'callback')))
        """

    /// `claimOverdue` holds for the tickets whose current dispatch has an `overdue` event of
    /// its claim deadline (an unfolded passing stands for it until folded, as for the other
    /// flags). `urged` counts the times a ticket was urged (none before this release).
    /// `answeredBy` and `result` are the latest reply's: every earlier reply was a unit's, its
    /// text in the `replied` event; no ticket was answered by the centre before this release.
    /// `unitHour` replaces `unitDay`; the migration fills it from every ticket.
    private static let v6 = """
        ALTER TABLE ticket ADD COLUMN claimOverdue INTEGER NOT NULL DEFAULT 0 CHECK (claimOverdue = 0 OR claimOverdue = 1);
        ALTER TABLE ticket ADD COLUMN urged INTEGER NOT NULL DEFAULT 0 CHECK (urged >= 0);
        ALTER TABLE ticket ADD COLUMN answeredBy TEXT CHECK (answeredBy IS NULL OR answeredBy = 'centre' OR answeredBy = 'unit');
        ALTER TABLE ticket ADD COLUMN result TEXT;
        ALTER TABLE ticket ADD COLUMN knowledge TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE ticket ADD COLUMN centreAnswered INTEGER NOT NULL DEFAULT 0 CHECK (centreAnswered = 0 OR centreAnswered = 1);
        UPDATE ticket SET answeredBy = 'unit',
                          result = (SELECT e.note FROM event e WHERE e.ticketId = ticket.id AND e.kind = 'replied'
                                    ORDER BY e.seq DESC LIMIT 1)
        WHERE repliedAt IS NOT NULL;
        UPDATE ticket SET claimOverdue = 1
        WHERE claimedAt IS NULL AND claimBy IS NOT NULL AND unit IS NOT NULL AND dispatchedAt IS NOT NULL
          AND EXISTS (SELECT 1 FROM event e WHERE e.ticketId = ticket.id AND e.kind = 'overdue' AND e.note = 'claim'
                      AND e.at >= ticket.dispatchedAt);
        DROP TABLE unitDay;
        -- The monthly figures rolled up per hour of receipt (UTC, hours since 1970) and lead
        -- unit, kept current in the same transaction as every ticket change and by the sweep, so
        -- that Stats over a month sums a few thousand rows instead of scanning its tickets.
        CREATE TABLE unitHour (
            hour          INTEGER NOT NULL,
            unit          TEXT    NOT NULL,
            dispatched    INTEGER NOT NULL DEFAULT 0,
            claimDue      INTEGER NOT NULL DEFAULT 0,
            claimedOnTime INTEGER NOT NULL DEFAULT 0,
            replyDue      INTEGER NOT NULL DEFAULT 0,
            replied       INTEGER NOT NULL DEFAULT 0,
            repliedOnTime INTEGER NOT NULL DEFAULT 0,
            rated         INTEGER NOT NULL DEFAULT 0,
            solved        INTEGER NOT NULL DEFAULT 0,
            satisfied     INTEGER NOT NULL DEFAULT 0,
            badRatings    INTEGER NOT NULL DEFAULT 0,
            callbacksDone INTEGER NOT NULL DEFAULT 0,
            rectified     INTEGER NOT NULL DEFAULT 0,
            overdue       INTEGER NOT NULL DEFAULT 0,
            extended      INTEGER NOT NULL DEFAULT 0,
            urged         INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (hour, unit)
        ) WITHOUT ROWID;
        -- Ticket search: the bigrams of each ticket's title, content, address and latest answer
        -- (SearchTerms), under the ticket's rowid; no positions (detail = none): the words
        -- themselves are checked against the text of the candidates.
        CREATE VIRTUAL TABLE ticketText USING fts5(tokens, tokenize = 'unicode61', detail = 'none');
        -- The tickets whose tokens in ticketText are missing or stale: written with the ticket,
        -- worked off in the background; search reads these tickets' text directly.
        CREATE TABLE searchQueue (seq INTEGER PRIMARY KEY);
        -- The centre's own figures (direct answers and their ratings) per hour of receipt,
        -- over every ticket, kept the same way.
        CREATE TABLE centreHour (
            hour          INTEGER PRIMARY KEY,
            received      INTEGER NOT NULL DEFAULT 0,
            answered      INTEGER NOT NULL DEFAULT 0,
            rated         INTEGER NOT NULL DEFAULT 0,
            satisfied     INTEGER NOT NULL DEFAULT 0,
            badRatings    INTEGER NOT NULL DEFAULT 0,
            callbacksDone INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        """

    /// The search index of v7: see the migration.
    static let v7 = """
        DROP TABLE IF EXISTS ticketText;
        -- Ticket search: the bigrams of each ticket's title, content, address and latest answer
        -- (SearchTerms), under the ticket's rowid, written in the ticket's own transaction. No
        -- positions (detail = none), no copy of the tokens (content = ''), no sizes
        -- (columnsize = 0): a change of the text deletes the old tokens by computing them again
        -- from the old text. A ticket in searchQueue is not in the index.
        CREATE VIRTUAL TABLE ticketText USING fts5(
            tokens, content = '', columnsize = 0, tokenize = 'unicode61', detail = 'none'
        );
        -- The tickets not yet in ticketText (those of an earlier release), indexed in the
        -- background; search reads their text directly.
        DELETE FROM searchQueue;
        INSERT INTO searchQueue (seq) SELECT seq FROM ticket;
        """
}
