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
            uses       INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0),
            -- The import that added it; while that import is open (in knowledgeImport) the
            -- entry is not part of the knowledge base.
            importId   TEXT
        );
        CREATE INDEX knowledgeEntry_category ON knowledgeEntry(category);
        CREATE INDEX knowledgeEntry_import ON knowledgeEntry(importId) WHERE importId IS NOT NULL;
        -- Search's order within a group (most cited, newest version, later added), with what
        -- says whether an entry is offered, so that the first page of a common word is found
        -- by walking this index rather than by sorting every match.
        CREATE INDEX knowledgeEntry_rank
            ON knowledgeEntry(uses DESC, updatedAt DESC, seq DESC, retired, validUntil, importId);
        -- The entries a search may have to leave out for their state: retired, or with an end
        -- of validity (few, against a base of entries in force).
        CREATE INDEX knowledgeEntry_maybeHidden ON knowledgeEntry(seq)
            WHERE retired = 1 OR validUntil IS NOT NULL;

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
        WHEN OLD.importId IS NULL OR OLD.importId NOT IN (SELECT id FROM knowledgeImport)
        BEGIN SELECT RAISE(ABORT, 'knowledge-base entries are retired, never deleted'); END;
        CREATE TRIGGER knowledgeEntry_next_version
        BEFORE UPDATE OF id, title, body, category, keywords, version, createdAt, updatedAt, updatedBy, retired,
                         validUntil, note ON knowledgeEntry
        WHEN NEW.id IS NOT OLD.id OR NEW.createdAt IS NOT OLD.createdAt OR NEW.version IS NOT OLD.version + 1
          OR NOT EXISTS (SELECT 1 FROM knowledgeVersion v WHERE v.entryId = OLD.id AND v.version = OLD.version)
        BEGIN SELECT RAISE(ABORT, 'a knowledge-base entry changes only as its next version, the last one kept'); END;

        -- Knowledge search: the bigrams of each entry's title, body and keywords (SearchTerms),
        -- under the entry's seq, written with the entry; contentless, as ticketText. The
        -- title's own bigrams again in knowledgeTitle, which decides "the title holds every
        -- word" for words of two characters.
        CREATE VIRTUAL TABLE knowledgeText USING fts5(
            tokens, content = '', columnsize = 0, tokenize = 'unicode61', detail = 'none'
        );
        CREATE VIRTUAL TABLE knowledgeTitle USING fts5(
            tokens, content = '', columnsize = 0, tokenize = 'unicode61', detail = 'none'
        );

        -- The imports still open (Knowledge.Import). Their entries are written, indexed, call
        -- by call, and stay out of the knowledge base until the commit deletes this row: the
        -- whole file comes in at one instant, and the commit never holds the writer long.
        CREATE TABLE knowledgeImport (
            id        TEXT    PRIMARY KEY,
            startedAt INTEGER NOT NULL,
            uid       INTEGER NOT NULL,
            staged    INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        """
}
