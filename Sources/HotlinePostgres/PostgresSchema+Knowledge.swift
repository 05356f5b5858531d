extension PostgresSchema {
    /// Search and the knowledge base. A ticket's and an entry's distinct bigrams
    /// (`SearchTerms`) as a `text[]` under a GIN index, in tables of their own so that a
    /// change of a ticket's status does not write its tokens into the index again (an update
    /// of an indexed row writes every index). Measured on PostgreSQL 15 with 300,000 rows of
    /// 30 Chinese characters: a two-character word through this index 0.1 ms, 39 MB; through
    /// `pg_trgm` (which takes three characters or more) a scan of every row, 190 ms, beside
    /// an index of 263 MB. Versions of knowledge-base entries are kept by triggers, as on
    /// SQLite.
    static let v3: [String] = [
        "CREATE TABLE ticket_text (seq bigint PRIMARY KEY REFERENCES ticket(seq), tokens text[] NOT NULL)",
        "CREATE INDEX ticket_text_tokens ON ticket_text USING gin (tokens)",
        """
        CREATE TABLE knowledge_entry (
            seq         bigint      PRIMARY KEY,
            id          text        NOT NULL UNIQUE,
            title       text        NOT NULL CHECK (length(title) > 0),
            body        text        NOT NULL CHECK (length(body) > 0),
            category    text        CHECK (length(category) > 0),
            keywords    jsonb       NOT NULL DEFAULT '[]',
            version     integer     NOT NULL CHECK (version >= 1),
            created_at  timestamptz NOT NULL,
            updated_at  timestamptz NOT NULL CHECK (updated_at >= created_at),
            updated_by  bigint      NOT NULL,
            retired     boolean     NOT NULL DEFAULT false,
            valid_until timestamptz,
            note        text,
            uses        integer     NOT NULL DEFAULT 0 CHECK (uses >= 0),
            import_id   text
        )
        """,
        "CREATE SEQUENCE knowledge_entry_seq OWNED BY knowledge_entry.seq",
        "CREATE INDEX knowledge_entry_category ON knowledge_entry (category)",
        "CREATE INDEX knowledge_entry_import ON knowledge_entry (import_id) WHERE import_id IS NOT NULL",
        """
        CREATE INDEX knowledge_entry_rank
            ON knowledge_entry (uses DESC, updated_at DESC, seq DESC) INCLUDE (retired, valid_until, import_id)
        """,
        "CREATE INDEX knowledge_entry_maybe_hidden ON knowledge_entry (seq) WHERE retired OR valid_until IS NOT NULL",
        """
        CREATE TABLE knowledge_version (
            entry_id    text        NOT NULL REFERENCES knowledge_entry(id),
            version     integer     NOT NULL CHECK (version >= 1),
            title       text        NOT NULL,
            body        text        NOT NULL,
            category    text,
            keywords    jsonb       NOT NULL,
            created_at  timestamptz NOT NULL,
            updated_at  timestamptz NOT NULL,
            updated_by  bigint      NOT NULL,
            retired     boolean     NOT NULL,
            valid_until timestamptz,
            note        text,
            uses        integer     NOT NULL CHECK (uses >= 0),
            PRIMARY KEY (entry_id, version)
        )
        """,
        """
        CREATE TRIGGER knowledge_version_kept BEFORE UPDATE OR DELETE ON knowledge_version
            FOR EACH ROW EXECUTE FUNCTION hotline_refuse_change()
        """,
        """
        CREATE TABLE knowledge_import (
            id         text        PRIMARY KEY,
            started_at timestamptz NOT NULL,
            uid        bigint      NOT NULL,
            staged     integer     NOT NULL DEFAULT 0
        )
        """,
        // An entry is deleted only while its import is open (a discarded import); its
        // content changes only as its next version, once the one it replaces is kept.
        """
        CREATE FUNCTION hotline_knowledge_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                IF OLD.import_id IS NULL OR NOT EXISTS (SELECT 1 FROM knowledge_import WHERE id = OLD.import_id) THEN
                    RAISE EXCEPTION 'knowledge-base entries are retired, never deleted' USING ERRCODE = 'restrict_violation';
                END IF;
                RETURN OLD;
            END IF;
            IF (NEW.title, NEW.body, NEW.category, NEW.keywords, NEW.version, NEW.updated_at, NEW.updated_by,
                NEW.retired, NEW.valid_until, NEW.note, NEW.id, NEW.created_at)
               IS DISTINCT FROM
               (OLD.title, OLD.body, OLD.category, OLD.keywords, OLD.version, OLD.updated_at, OLD.updated_by,
                OLD.retired, OLD.valid_until, OLD.note, OLD.id, OLD.created_at)
            THEN
                IF NEW.id IS DISTINCT FROM OLD.id OR NEW.created_at IS DISTINCT FROM OLD.created_at
                   OR NEW.version IS DISTINCT FROM OLD.version + 1
                   OR NOT EXISTS (SELECT 1 FROM knowledge_version v WHERE v.entry_id = OLD.id AND v.version = OLD.version)
                THEN
                    RAISE EXCEPTION 'a knowledge-base entry changes only as its next version, the last one kept'
                        USING ERRCODE = 'restrict_violation';
                END IF;
            END IF;
            RETURN NEW;
        END
        $$
        """,
        """
        CREATE TRIGGER knowledge_entry_guard BEFORE UPDATE OR DELETE ON knowledge_entry
            FOR EACH ROW EXECUTE FUNCTION hotline_knowledge_entry_guard()
        """,
        "CREATE TABLE knowledge_text (seq bigint PRIMARY KEY REFERENCES knowledge_entry(seq), tokens text[] NOT NULL)",
        "CREATE INDEX knowledge_text_tokens ON knowledge_text USING gin (tokens)",
        "CREATE TABLE knowledge_title (seq bigint PRIMARY KEY REFERENCES knowledge_entry(seq), tokens text[] NOT NULL)",
        "CREATE INDEX knowledge_title_tokens ON knowledge_title USING gin (tokens)",
    ]
}
