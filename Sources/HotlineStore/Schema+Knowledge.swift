extension Schema {
    /// The knowledge base (contract §10) of v8.
    ///
    /// `knowledgeEntry` holds each entry's current version and its count of citations;
    /// `knowledgeVersion` every version an entry had before, written when a change replaces
    /// it and never changed after. The triggers hold the rule in the schema itself: a
    /// version's row cannot be updated or deleted, an entry cannot be deleted, and an entry's
    /// content changes only as its next version, once the version it replaces is kept.
    static let v8 = """
        CREATE TABLE knowledgeEntry (
            seq        INTEGER PRIMARY KEY,
            id         TEXT    NOT NULL UNIQUE,
            title      TEXT    NOT NULL CHECK (length(title) > 0),
            body       TEXT    NOT NULL CHECK (length(body) > 0),
            category   TEXT    CHECK (category IS NULL OR length(category) > 0),
            keywords   TEXT    NOT NULL DEFAULT '[]',
            version    INTEGER NOT NULL CHECK (version >= 1),
            createdAt  INTEGER NOT NULL,
            updatedAt  INTEGER NOT NULL CHECK (updatedAt >= createdAt),
            updatedBy  INTEGER NOT NULL,
            retired    INTEGER NOT NULL DEFAULT 0 CHECK (retired = 0 OR retired = 1),
            validUntil INTEGER,
            -- Why this version was made (a retirement's note), if said.
            note       TEXT,
            uses       INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0)
        );
        CREATE INDEX knowledgeEntry_category ON knowledgeEntry(category);

        CREATE TABLE knowledgeVersion (
            entryId    TEXT    NOT NULL REFERENCES knowledgeEntry(id),
            version    INTEGER NOT NULL CHECK (version >= 1),
            title      TEXT    NOT NULL,
            body       TEXT    NOT NULL,
            category   TEXT,
            keywords   TEXT    NOT NULL,
            createdAt  INTEGER NOT NULL,
            updatedAt  INTEGER NOT NULL,
            updatedBy  INTEGER NOT NULL,
            retired    INTEGER NOT NULL CHECK (retired = 0 OR retired = 1),
            validUntil INTEGER,
            note       TEXT,
            -- The entry's citations when this version was replaced.
            uses       INTEGER NOT NULL CHECK (uses >= 0),
            PRIMARY KEY (entryId, version)
        ) WITHOUT ROWID;

        CREATE TRIGGER knowledgeVersion_kept BEFORE UPDATE ON knowledgeVersion
        BEGIN SELECT RAISE(ABORT, 'knowledge-base versions are never changed'); END;
        CREATE TRIGGER knowledgeVersion_not_deleted BEFORE DELETE ON knowledgeVersion
        BEGIN SELECT RAISE(ABORT, 'knowledge-base versions are never deleted'); END;
        CREATE TRIGGER knowledgeEntry_not_deleted BEFORE DELETE ON knowledgeEntry
        BEGIN SELECT RAISE(ABORT, 'knowledge-base entries are retired, never deleted'); END;
        CREATE TRIGGER knowledgeEntry_next_version
        BEFORE UPDATE OF id, title, body, category, keywords, version, createdAt, updatedAt, updatedBy, retired,
                         validUntil, note ON knowledgeEntry
        WHEN NEW.id IS NOT OLD.id OR NEW.createdAt IS NOT OLD.createdAt OR NEW.version IS NOT OLD.version + 1
          OR NOT EXISTS (SELECT 1 FROM knowledgeVersion v WHERE v.entryId = OLD.id AND v.version = OLD.version)
        BEGIN SELECT RAISE(ABORT, 'a knowledge-base entry changes only as its next version, the last one kept'); END;

        -- Knowledge search: the bigrams of each entry's title, body and keywords (SearchTerms),
        -- under the entry's seq, written with the entry; contentless, as ticketText.
        CREATE VIRTUAL TABLE knowledgeText USING fts5(
            tokens, content = '', columnsize = 0, tokenize = 'unicode61', detail = 'none'
        );

        -- An import being loaded (Knowledge.Import): its rows wait here, checked and indexed,
        -- until the import's last call adds them all in one transaction.
        CREATE TABLE knowledgeImport (
            id        TEXT    PRIMARY KEY,
            startedAt INTEGER NOT NULL,
            uid       INTEGER NOT NULL,
            staged    INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE TABLE knowledgeStaged (
            importId   TEXT    NOT NULL REFERENCES knowledgeImport(id) ON DELETE CASCADE,
            n          INTEGER NOT NULL,
            title      TEXT    NOT NULL,
            body       TEXT    NOT NULL,
            category   TEXT,
            keywords   TEXT    NOT NULL,
            validUntil INTEGER,
            tokens     TEXT    NOT NULL,
            PRIMARY KEY (importId, n)
        ) WITHOUT ROWID;
        """
}
