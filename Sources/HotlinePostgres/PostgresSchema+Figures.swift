import HotlineCore
import HotlineStore

extension PostgresSchema {
    /// The figures' hour rollups. A month's figures counted from its tickets read every one of
    /// them (1.3 s for 1,000,000); counted from hours they read a few thousand rows. A rollup
    /// row that every Submit of its hour updated would be a row lock each of them waits on
    /// until the one before it commits, on every daemon, so writes never touch the rollup:
    /// a trigger on `ticket` appends the change of a ticket's figures (its old group taken
    /// away, its new one added) to `figure_delta`, which no two writers share, and the daemons
    /// move those rows into `figure_hour` and `hotspot_hour` in the background
    /// (`compactFigures`). A read sums the hours, the rows not yet moved, and the tickets of
    /// the partial hours at the period's ends.
    ///
    /// A ticket's group is its hour of receipt, lead unit, rating and its other facts as one
    /// bit mask (`hotline_facts_mask`, the flags as the ticket row holds them: passings not
    /// yet folded are added by the read); its hot-spot keys are its category, district, unit
    /// and channel. The rollups' keys may be NULL (no unit, no rating, no category), hence the
    /// unique indexes on expressions.
    static var v4: [String] {
        [
            "CREATE FUNCTION hotline_hour(t timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT div(hotline_ms(t), \(RollupHours.length)) $$",
            """
            CREATE FUNCTION hotline_facts_mask(t ticket) RETURNS integer LANGUAGE sql STABLE PARALLEL SAFE
            AS $$ SELECT \(factsMask(of: "t")) $$
            """,
            """
            CREATE TABLE figure_delta (
                hour     bigint  NOT NULL,
                unit     text,
                rating   text,
                mask     integer NOT NULL,
                category text,
                district text,
                channel  text    NOT NULL,
                n        integer NOT NULL CHECK (n IN (-1, 1))
            )
            """,
            "CREATE INDEX figure_delta_hour ON figure_delta (hour)",
            """
            CREATE TABLE figure_hour (
                hour   bigint  NOT NULL,
                unit   text,
                rating text,
                mask   integer NOT NULL,
                n      integer NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX figure_hour_key ON figure_hour (hour, coalesce(unit, ''), (unit IS NULL), coalesce(rating, ''), mask)",
            """
            CREATE TABLE hotspot_hour (
                hour      bigint  NOT NULL,
                dimension text    NOT NULL CHECK (dimension IN ('category', 'district', 'unit', 'channel')),
                key       text,
                n         integer NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX hotspot_hour_key ON hotspot_hour (hour, dimension, coalesce(key, ''), (key IS NULL))",
            """
            CREATE FUNCTION hotline_figure_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'UPDATE' AND OLD.received_at = NEW.received_at AND OLD.channel = NEW.channel
                   AND OLD.unit IS NOT DISTINCT FROM NEW.unit AND OLD.rating IS NOT DISTINCT FROM NEW.rating
                   AND OLD.category IS NOT DISTINCT FROM NEW.category
                   AND OLD.district IS NOT DISTINCT FROM NEW.district
                   AND hotline_facts_mask(OLD) = hotline_facts_mask(NEW) THEN
                    RETURN NULL;
                END IF;
                IF TG_OP <> 'INSERT' THEN
                    INSERT INTO figure_delta VALUES (hotline_hour(OLD.received_at), OLD.unit, OLD.rating,
                        hotline_facts_mask(OLD), OLD.category, OLD.district, OLD.channel, -1);
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    INSERT INTO figure_delta VALUES (hotline_hour(NEW.received_at), NEW.unit, NEW.rating,
                        hotline_facts_mask(NEW), NEW.category, NEW.district, NEW.channel, 1);
                END IF;
                RETURN NULL;
            END
            $$
            """,
            // The trigger first: it locks out other writers until the rollups below are
            // built from the tickets and this migration commits.
            """
            CREATE TRIGGER ticket_figures AFTER INSERT OR UPDATE OR DELETE ON ticket
            FOR EACH ROW EXECUTE FUNCTION hotline_figure_change()
            """,
        ] + rollupBuild
    }

    /// Fills `figure_hour` and `hotspot_hour` from every ticket (in a transaction that holds
    /// out writers: the migration's, after its trigger).
    static let rollupBuild: [String] = [
        """
        INSERT INTO figure_hour (hour, unit, rating, mask, n)
        SELECT hotline_hour(t.received_at), t.unit, t.rating, hotline_facts_mask(t), count(*)
        FROM ticket t GROUP BY 1, 2, 3, 4
        """,
        """
        INSERT INTO hotspot_hour (hour, dimension, key, n)
        SELECT hotline_hour(t.received_at), k.dimension, k.key, count(*)
        FROM ticket t, LATERAL (VALUES ('category', t.category), ('district', t.district), ('unit', t.unit),
                                       ('channel', t.channel)) AS k(dimension, key)
        GROUP BY 1, 2, 3
        """,
    ]

    /// One bit of a ticket's facts mask: the fact it sets, and its condition on ticket `t`
    /// (an overdue flag also names the passings that complete it before they are folded).
    struct FactBit {
        var fact: WritableKeyPath<StatsFacts, Bool>
        var condition: (_ t: String) -> String
        var completedBy: PostgresTicketStore.PassingKinds?
    }

    /// The facts mask, bit by bit: `hotline_facts_mask` and the reads write it from this list,
    /// ``PostgresTicketStore/facts(mask:rating:)`` reads it back with the same list.
    static var factBits: [FactBit] {
        [
            FactBit(fact: \.claimed, condition: { "\($0).claimed_at IS NOT NULL" }),
            FactBit(fact: \.claimedOnTime, condition: { "coalesce(\($0).claimed_at <= \($0).claim_by, false)" }),
            FactBit(fact: \.claimOverdue, condition: { "\($0).claim_overdue" }, completedBy: .claim),
            FactBit(
                fact: \.replied,
                condition: { "(\($0).replied_at IS NOT NULL AND \($0).answered_by IS DISTINCT FROM 'centre')" }
            ),
            FactBit(fact: \.resolveOverdue, condition: { "\($0).resolve_overdue" }, completedBy: .resolve),
            FactBit(fact: \.unitOverdue, condition: { "\($0).unit_overdue" }, completedBy: .units),
            FactBit(fact: \.solved, condition: { "coalesce(\($0).solved, false)" }),
            FactBit(fact: \.badRated, condition: { "\($0).bad_rated" }),
            FactBit(fact: \.calledBack, condition: { "\($0).called_back" }),
            FactBit(fact: \.rectified, condition: { "\($0).rectified" }),
            FactBit(fact: \.extended, condition: { "\($0).extended" }),
            FactBit(fact: \.urged, condition: { "\($0).urged > 0" }),
            FactBit(fact: \.centreAnswered, condition: { "\($0).centre_answered" }),
        ]
    }

    /// The bit mask of the facts of ticket `t` (``factBits``), each term in parentheses: `|`
    /// and `<<` bind alike in SQL. With `completed`, the overdue flags are completed by the
    /// ticket's passings not yet folded.
    static func factsMask(of t: String, completed: Bool = false) -> String {
        factBits.enumerated().map { bit, factBit in
            var condition = factBit.condition(t)
            if completed, let kinds = factBit.completedBy {
                condition = "\(condition) OR \(PostgresTicketStore.unfoldedPassing(of: t, kinds: kinds))"
            }
            return "((\(condition))::int << \(bit))"
        }
        .joined(separator: " | ")
    }
}
