extension Schema {
    /// The hot-spot rollup of v9: per key kind (0 category, 1 district, 2 lead unit, 3
    /// channel), hour of receipt (UTC hours since 1970, as `unitHour`) and key, how many
    /// tickets. `present` is 0 for the tickets without a key (`key` is then empty), so that a
    /// ticket with no district and one with an empty one stay apart. Kept current by every
    /// ticket change in its own transaction; filled here from every ticket.
    static let v9 = """
        CREATE TABLE hotspotHour (
            kind    INTEGER NOT NULL CHECK (kind >= 0 AND kind <= 3),
            hour    INTEGER NOT NULL,
            present INTEGER NOT NULL CHECK (present = 0 OR present = 1),
            key     TEXT    NOT NULL,
            count   INTEGER NOT NULL,
            PRIMARY KEY (kind, hour, present, key)
        ) WITHOUT ROWID;
        """ + hotspotFill

    /// Fills `hotspotHour` from every ticket (v9, and a transfer's target once its tickets are in).
    static let hotspotFill = """
        INSERT INTO hotspotHour (kind, hour, present, key, count)
        SELECT 0, receivedAt / 3600000, category IS NOT NULL, coalesce(category, ''), count(*) FROM ticket
        GROUP BY 2, 3, 4;
        INSERT INTO hotspotHour (kind, hour, present, key, count)
        SELECT 1, receivedAt / 3600000, district IS NOT NULL, coalesce(district, ''), count(*) FROM ticket
        GROUP BY 2, 3, 4;
        INSERT INTO hotspotHour (kind, hour, present, key, count)
        SELECT 2, receivedAt / 3600000, unit IS NOT NULL, coalesce(unit, ''), count(*) FROM ticket
        GROUP BY 2, 3, 4;
        INSERT INTO hotspotHour (kind, hour, present, key, count)
        SELECT 3, receivedAt / 3600000, 1, channel, count(*) FROM ticket
        GROUP BY 2, 3, 4;
        """
}
