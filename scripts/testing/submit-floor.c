/*
 * The SQLite floor of scripts/bench: the rows hotlined wrote for its Submits, written again
 * with SQLite alone, so that the daemon's Submit rate has a floor in the same run.
 *
 * usage: submit-floor SOURCE TARGET BATCH SECONDS
 *   SOURCE  the daemon's database after its runs, with a table floorTokens(seq, tokens)
 *           holding each ticket's search tokens (the index keeps none; the benchmark writes
 *           them with the daemon's own function)
 *   TARGET  an empty database with the daemon's schema (its migrations)
 *   BATCH   Submits per transaction (the daemon's group commit holds about one per waiting
 *           connection)
 *   SECONDS how long to write
 * Prints "FLOOR <submits> <seconds>".
 *
 * Per Submit, as the daemon: the idempotency key looked up, the ticket row, its events,
 * deadlines, SLA checks, co-units and search tokens inserted; per transaction the hour
 * rollups (unitHour, centreHour, hotspotHour) upserted once per key. Prepared statements,
 * WAL, synchronous = FULL, foreign keys on, one commit per batch. Not done: the daemon's
 * possible-duplicates query, JSON, the socket, routing and deadlines (all worked out before
 * the write). Once the source's tickets are used up they are written again under new ids.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_COLUMNS 64

static sqlite3 *source, *target;

static void die(sqlite3 *db, const char *what) {
    fprintf(stderr, "submit-floor: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
    exit(1);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) die(db, sql);
    return s;
}

static void exec(sqlite3 *db, const char *sql) {
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) die(db, sql);
}

/* One row: its values, copied out of the source. */
typedef struct {
    int count;
    sqlite3_value *values[MAX_COLUMNS];
} Row;

/* The rows of one table that belong to one ticket. */
typedef struct {
    int count;
    Row *rows;
} Rows;

/* A per-ticket table: how its rows are read and written, and which column is the ticket's. */
typedef struct {
    const char *name;
    sqlite3_stmt *select; /* by ticket id */
    sqlite3_stmt *insert;
    int columns;
    int ticketColumn;     /* the column holding the ticket id */
    int autoincrement;    /* column 0 is an AUTOINCREMENT seq, left to the target */
} Table;

typedef struct {
    Row ticket;
    long long seq;
    Rows *children; /* one per child table */
    sqlite3_value *tokens;
} Ticket;

static int column_named(sqlite3_stmt *s, const char *name) {
    for (int i = 0; i < sqlite3_column_count(s); i++)
        if (strcmp(sqlite3_column_name(s, i), name) == 0) return i;
    return -1;
}

static Row copy_row(sqlite3_stmt *s) {
    Row r = {sqlite3_column_count(s), {0}};
    if (r.count > MAX_COLUMNS) die(NULL, "too many columns");
    for (int i = 0; i < r.count; i++) r.values[i] = sqlite3_value_dup(sqlite3_column_value(s, i));
    return r;
}

static sqlite3_stmt *insert_for(const char *table, int columns) {
    char sql[4096];
    int n = snprintf(sql, sizeof sql, "INSERT INTO %s VALUES (", table);
    for (int i = 0; i < columns; i++) n += snprintf(sql + n, sizeof sql - n, i ? ", ?" : "?");
    snprintf(sql + n, sizeof sql - n, ")");
    return prepare(target, sql);
}

/* Binds `row` into `insert`, with the ticket id (and, for the ticket, its submission id)
 * given `suffix` on a second pass, and NULL for an AUTOINCREMENT seq. */
static void bind_row(sqlite3_stmt *insert, Row *row, int idColumn, int submissionColumn, int autoincrement,
                     const char *suffix) {
    char text[512];
    for (int i = 0; i < row->count; i++) {
        if (i == 0 && autoincrement) {
            sqlite3_bind_null(insert, 1);
        } else if ((i == idColumn || i == submissionColumn) && suffix[0]) {
            snprintf(text, sizeof text, "%s%s", (const char *)sqlite3_value_text(row->values[i]), suffix);
            sqlite3_bind_text(insert, i + 1, text, -1, SQLITE_TRANSIENT);
        } else {
            sqlite3_bind_value(insert, i + 1, row->values[i]);
        }
    }
}

static void step(sqlite3_stmt *s) {
    if (sqlite3_step(s) != SQLITE_DONE) die(target, sqlite3_sql(s));
    sqlite3_reset(s);
}

/* The rollup keys of one transaction, each upserted once with its count. */
#define MAX_KEYS 4096
typedef struct {
    long long hour;
    int kind; /* -2 centreHour, -1 unitHour, 0... hotspotHour kinds */
    int present;
    char key[128];
    int count;
} Key;
static Key keys[MAX_KEYS];
static int keyCount;

static void count_key(long long hour, int kind, const unsigned char *key) {
    const char *k = key ? (const char *)key : "";
    for (int i = 0; i < keyCount; i++)
        if (keys[i].hour == hour && keys[i].kind == kind && keys[i].present == (key != NULL) &&
            strcmp(keys[i].key, k) == 0) {
            keys[i].count++;
            return;
        }
    if (keyCount == MAX_KEYS) die(NULL, "too many rollup keys");
    Key *n = &keys[keyCount++];
    n->hour = hour;
    n->kind = kind;
    n->present = key != NULL;
    snprintf(n->key, sizeof n->key, "%s", k);
    n->count = 1;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: submit-floor SOURCE TARGET BATCH SECONDS\n");
        return 64;
    }
    int batch = atoi(argv[3]);
    double seconds = atof(argv[4]);
    if (sqlite3_open_v2(argv[1], &source, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) die(source, argv[1]);
    if (sqlite3_open_v2(argv[2], &target, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) die(target, argv[2]);
    exec(target, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
                 "PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY");

    /* Read every ticket and its rows first: only the writing is timed. */
    Table children[] = {
        {"event", NULL, NULL, 0, 0, 1},
        {"deadline", NULL, NULL, 0, 0, 0},
        {"deadlineCheck", NULL, NULL, 0, 0, 0},
        {"ticketCoUnit", NULL, NULL, 0, 0, 0},
    };
    int childCount = sizeof children / sizeof children[0];
    for (int c = 0; c < childCount; c++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT * FROM %s WHERE ticketId = ?", children[c].name);
        children[c].select = prepare(source, sql);
        children[c].columns = sqlite3_column_count(children[c].select);
        children[c].ticketColumn = column_named(children[c].select, "ticketId");
        children[c].insert = insert_for(children[c].name, children[c].columns);
    }
    /* At most 100,000 tickets (written again under new ids when more are needed). */
    sqlite3_stmt *tickets = prepare(
        source, "SELECT t.*, f.tokens FROM ticket t JOIN floorTokens f ON f.seq = t.seq ORDER BY t.seq LIMIT 100000");
    int ticketColumns = sqlite3_column_count(tickets) - 1;
    int idColumn = column_named(tickets, "id");
    int submissionColumn = column_named(tickets, "submissionId");
    int channelColumn = column_named(tickets, "channel");
    int unitColumn = column_named(tickets, "unit");
    int receivedColumn = column_named(tickets, "receivedAt");
    int categoryColumn = column_named(tickets, "category");
    int districtColumn = column_named(tickets, "district");
    size_t capacity = 1024, loaded = 0;
    Ticket *all = malloc(capacity * sizeof *all);
    while (sqlite3_step(tickets) == SQLITE_ROW) {
        if (loaded == capacity) all = realloc(all, (capacity *= 2) * sizeof *all);
        Ticket *t = &all[loaded++];
        t->ticket = copy_row(tickets);
        t->ticket.count = ticketColumns;
        t->tokens = sqlite3_value_dup(sqlite3_column_value(tickets, ticketColumns));
        t->children = calloc(childCount, sizeof(Rows));
        for (int c = 0; c < childCount; c++) {
            sqlite3_stmt *s = children[c].select;
            sqlite3_bind_value(s, 1, t->ticket.values[idColumn]);
            while (sqlite3_step(s) == SQLITE_ROW) {
                Rows *r = &t->children[c];
                r->rows = realloc(r->rows, (r->count + 1) * sizeof(Row));
                r->rows[r->count++] = copy_row(s);
            }
            sqlite3_reset(s);
        }
    }
    if (loaded == 0) die(NULL, "the source holds no tickets");

    sqlite3_stmt *lookup = prepare(target, "SELECT 1 FROM ticket WHERE channel = ? AND submissionId = ?");
    sqlite3_stmt *insertTicket = insert_for("ticket", ticketColumns);
    sqlite3_stmt *insertTokens = prepare(target, "INSERT INTO ticketText (rowid, tokens) VALUES (?, ?)");
    sqlite3_stmt *centre = prepare(target, "INSERT INTO centreHour (hour, received) VALUES (?, ?) "
                                           "ON CONFLICT (hour) DO UPDATE SET received = received + excluded.received");
    sqlite3_stmt *unit = prepare(target, "INSERT INTO unitHour (hour, unit, dispatched) VALUES (?, ?, ?) "
                                         "ON CONFLICT (hour, unit) DO UPDATE SET dispatched = dispatched + excluded.dispatched");
    sqlite3_stmt *hotspot = prepare(target, "INSERT INTO hotspotHour (kind, hour, present, key, count) VALUES (?, ?, ?, ?, ?) "
                                            "ON CONFLICT (kind, hour, present, key) DO UPDATE SET count = count + excluded.count");
    sqlite3_stmt *begin = prepare(target, "BEGIN IMMEDIATE");
    sqlite3_stmt *commit = prepare(target, "COMMIT");

    double start = now();
    long written = 0;
    while (now() - start < seconds) {
        step(begin);
        keyCount = 0;
        for (int b = 0; b < batch; b++, written++) {
            Ticket *t = &all[written % loaded];
            char suffix[32] = "";
            if (written >= (long)loaded) snprintf(suffix, sizeof suffix, "~%ld", written / (long)loaded);
            /* The idempotency key: a new submission is not found. */
            if (suffix[0]) {
                char key[512];
                snprintf(key, sizeof key, "%s%s", sqlite3_value_text(t->ticket.values[submissionColumn]), suffix);
                sqlite3_bind_value(lookup, 1, t->ticket.values[channelColumn]);
                sqlite3_bind_text(lookup, 2, key, -1, SQLITE_TRANSIENT);
            } else {
                sqlite3_bind_value(lookup, 1, t->ticket.values[channelColumn]);
                sqlite3_bind_value(lookup, 2, t->ticket.values[submissionColumn]);
            }
            if (sqlite3_step(lookup) != SQLITE_DONE) die(target, "a submission was already there");
            sqlite3_reset(lookup);
            bind_row(insertTicket, &t->ticket, idColumn, submissionColumn, 1, suffix);
            step(insertTicket);
            sqlite3_int64 seq = sqlite3_last_insert_rowid(target);
            for (int c = 0; c < childCount; c++)
                for (int r = 0; r < t->children[c].count; r++) {
                    bind_row(children[c].insert, &t->children[c].rows[r], children[c].ticketColumn, -1,
                             children[c].autoincrement, suffix);
                    step(children[c].insert);
                }
            sqlite3_bind_int64(insertTokens, 1, seq);
            sqlite3_bind_value(insertTokens, 2, t->tokens);
            step(insertTokens);
            long long hour = sqlite3_value_int64(t->ticket.values[receivedColumn]) / 3600000;
            count_key(hour, -2, NULL);
            const unsigned char *u = sqlite3_value_text(t->ticket.values[unitColumn]);
            if (u) count_key(hour, -1, u);
            count_key(hour, 0, sqlite3_value_text(t->ticket.values[categoryColumn]));
            count_key(hour, 1, sqlite3_value_text(t->ticket.values[districtColumn]));
            count_key(hour, 2, u);
            count_key(hour, 3, sqlite3_value_text(t->ticket.values[channelColumn]));
        }
        for (int k = 0; k < keyCount; k++) {
            Key *key = &keys[k];
            if (key->kind == -2) {
                sqlite3_bind_int64(centre, 1, key->hour);
                sqlite3_bind_int(centre, 2, key->count);
                step(centre);
            } else if (key->kind == -1) {
                sqlite3_bind_int64(unit, 1, key->hour);
                sqlite3_bind_text(unit, 2, key->key, -1, SQLITE_STATIC);
                sqlite3_bind_int(unit, 3, key->count);
                step(unit);
            } else {
                sqlite3_bind_int(hotspot, 1, key->kind);
                sqlite3_bind_int64(hotspot, 2, key->hour);
                sqlite3_bind_int(hotspot, 3, key->present);
                sqlite3_bind_text(hotspot, 4, key->key, -1, SQLITE_STATIC);
                sqlite3_bind_int(hotspot, 5, key->count);
                step(hotspot);
            }
        }
        step(commit);
    }
    double elapsed = now() - start;
    printf("FLOOR %ld %.3f\n", written, elapsed);
    return 0;
}
