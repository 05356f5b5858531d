import Foundation
import HotlineCore
import HotlineStore

/// What a change of a ticket does to its deadline definitions (`deadline`) and the SLA
/// clock's checks (`deadline_check`), worked out before the statement that writes it: the
/// same rules as on SQLite. A deadline whose due time is unchanged keeps its checks, so its
/// notices are not sent twice; a new or moved one gets its definition and both checks; one no
/// longer running loses them. The checks removed and those written never share a key, so the
/// parts of the one statement never touch the same row.
struct DeadlinePlan {
    /// A deadline's due-soon point and due time as stored (milliseconds), which key its checks.
    struct Definition: Hashable {
        var warnAt: Int64
        var dueAt: Int64
    }

    private struct DefinitionRow {
        var kind: String
        var startAt: Int64
        var warnAt: Int64
        var dueAt: Int64
    }

    private struct CheckRow: Hashable {
        var fireAt: Int64
        var kind: String
        var stage: String
        var dueAt: Int64

        var key: CheckKey { CheckKey(fireAt: fireAt, kind: kind, stage: stage) }
    }

    private struct CheckKey: Hashable {
        var fireAt: Int64
        var kind: String
        var stage: String
    }

    private var written: [DefinitionRow] = []
    private var checks: [CheckRow] = []
    private var removedChecks: [CheckKey] = []
    /// The kinds whose definitions go.
    private(set) var removedKinds: [String] = []
    /// The kinds whose definitions and checks stay as they are (their checks only learn the
    /// ticket's lead unit and co-units).
    private(set) var keptKinds: [String] = []

    /// The plan for `ticket`, whose stored definitions are `existing` (by kind; none for a new
    /// ticket).
    init(ticket: Ticket, existing: [String: Definition], warnFraction: Double) {
        var existing = existing
        var removed: [CheckKey] = []
        for deadline in ticket.runningDeadlines(warnFraction: warnFraction) {
            let kind = deadline.kind.rawValue
            let dueAt = deadline.due.millis
            if let old = existing.removeValue(forKey: kind) {
                if old.dueAt == dueAt {
                    keptKinds.append(kind)
                    continue
                }
                removed += Self.keys(kind: deadline.kind, old)
            }
            let definition = Definition(warnAt: deadline.warnAt.millis, dueAt: dueAt)
            written.append(
                DefinitionRow(kind: kind, startAt: deadline.start.millis, warnAt: definition.warnAt, dueAt: dueAt)
            )
            checks += Self.keys(kind: deadline.kind, definition).map {
                CheckRow(fireAt: $0.fireAt, kind: $0.kind, stage: $0.stage, dueAt: dueAt)
            }
        }
        for (kind, old) in existing {
            removedKinds.append(kind)
            if let deadlineKind = DeadlineKind(rawValue: kind) { removed += Self.keys(kind: deadlineKind, old) }
        }
        let kept = Set(checks.map(\.key))
        removedChecks = removed.filter { !kept.contains($0) }
    }

    /// The keys of a deadline's checks: its due-soon point (not for the rating window, which
    /// only closes), and the first millisecond after its due time.
    private static func keys(kind: DeadlineKind, _ definition: Definition) -> [CheckKey] {
        let due = CheckKey(fireAt: definition.dueAt + 1, kind: kind.rawValue, stage: DeadlineCheck.Stage.due.rawValue)
        guard kind != .rating else { return [due] }
        return [
            CheckKey(fireAt: definition.warnAt, kind: kind.rawValue, stage: DeadlineCheck.Stage.warn.rawValue), due,
        ]
    }

    /// The definitions to write, as a JSON array.
    var deadlinesJSON: String {
        var records = JSONRecords()
        for row in written {
            records.append {
                $0.field("kind", row.kind)
                $0.field("start_at", row.startAt)
                $0.field("warn_at", row.warnAt)
                $0.field("due_at", row.dueAt)
            }
        }
        return records.json
    }

    /// The checks to write, as a JSON array.
    var checksJSON: String {
        var records = JSONRecords()
        for check in checks {
            records.append {
                $0.field("fire_at", check.fireAt)
                $0.field("kind", check.kind)
                $0.field("stage", check.stage)
                $0.field("due_at", check.dueAt)
            }
        }
        return records.json
    }

    /// The keys of the checks to remove, as a JSON array.
    var removedChecksJSON: String {
        var records = JSONRecords()
        for key in removedChecks {
            records.append {
                $0.field("fire_at", key.fireAt)
                $0.field("kind", key.kind)
                $0.field("stage", key.stage)
            }
        }
        return records.json
    }

    /// The definitions of a JSON array of `{kind, warn_at, due_at}`, by kind.
    static func definitions(fromJSON json: String) throws -> [String: Definition] {
        struct Row: Codable {
            var kind: String
            var warnAt: Int64
            var dueAt: Int64

            enum CodingKeys: String, CodingKey {
                case kind
                case warnAt = "warn_at"
                case dueAt = "due_at"
            }
        }
        var definitions: [String: Definition] = [:]
        for row in try JSONDecoder().decode([Row].self, from: Data(json.utf8)) {
            definitions[row.kind] = Definition(warnAt: row.warnAt, dueAt: row.dueAt)
        }
        return definitions
    }
}
