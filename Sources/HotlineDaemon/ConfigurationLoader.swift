import Foundation
import HotlineCore
import TOMLKit

/// Reads `hotlined.toml` (contract §7) into a ``HotlineConfiguration``, validating all of it.
///
/// Keys (every one optional, defaults in brackets):
/// - `[daemon]` `socket` [/run/hotline/hotline.sock], `socket_mode` ["0660"],
///   `database` [/var/lib/hotline/hotline.db], `timezone` [Asia/Shanghai],
///   `max_connections` [1024], `max_connections_per_uid` [64], `message_timeout` [10] (seconds),
///   `backup_directory` [a `backups` folder beside the database], `backups_kept` [7]
/// - `[calendar]` `workday_start` ["09:00"], `workday_end` ["17:30"], `weekend` [["sat","sun"]],
///   `years` [[]], `holidays` [[]], `workdays` [[]]
/// - `[sla]` `claim`, `resolve`, `urgent_claim`, `urgent_resolve`, `callback`, `rectify`,
///   `rating_window`, `phase`, `return_window` (durations), `callback_attempts` [3], `warn_at` [0.8]
/// - `[stats]` `weights = { response, solved, satisfaction }` [0.30, 0.35, 0.35]
/// - `[roles]` `operators`, `supervisors` = `{ uids = [...], groups = [...] }`
/// - `[[unit]]` `id`, `name`, `uids`, `groups`
/// - `[[route]]` `unit`, `category`, `keywords`, `district`, `co_units`, `resolve`, `claim`
///
/// Any unknown key or bad value is a ``ConfigurationError`` naming the file, line and key.
public struct ConfigurationLoader {
    /// Resolves a group name to its gid (`getgrnam` by default); nil when there is no such group.
    public var resolveGroup: (String) -> UInt32?
    /// Receives non-fatal findings (a group that does not exist on this machine).
    public var warn: (String) -> Void

    /// Creates a loader.
    public init(
        resolveGroup: @escaping (String) -> UInt32? = ConfigurationLoader.systemGroup,
        warn: @escaping (String) -> Void = { _ in }
    ) {
        self.resolveGroup = resolveGroup
        self.warn = warn
    }

    /// Looks a group up in the system's group database.
    public static func systemGroup(_ name: String) -> UInt32? {
        if let gid = UInt32(name) { return gid }
        guard let entry = getgrnam(name) else { return nil }
        return entry.pointee.gr_gid
    }

    /// Reads and validates the file at `path`.
    public func load(path: String) throws(ConfigurationError) -> HotlineConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(
                file: path,
                line: nil,
                key: "",
                message: "cannot read the file: \(error.localizedDescription)"
            )
        }
        return try parse(text, file: path)
    }

    /// Validates TOML text; `file` names it in errors.
    public func parse(_ text: String, file: String) throws(ConfigurationError) -> HotlineConfiguration {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(
                file: file,
                line: error.source.begin.line,
                key: "",
                message: "not valid TOML: \(error.description)"
            )
        } catch {
            throw ConfigurationError(file: file, line: nil, key: "", message: "not valid TOML: \(error)")
        }
        var parser = Parser(file: file, locator: TOMLLineLocator(text: text), loader: self)
        let configuration = try parser.configuration(root)
        // One line for all the groups this machine lacks (a fresh machine lacks them all).
        if !parser.missingGroups.isEmpty {
            let names = parser.missingGroups.map { "\"\($0.name)\" (\($0.key))" }.joined(separator: ", ")
            warn(
                "\(file): \(parser.missingGroups.count == 1 ? "a group does" : "\(parser.missingGroups.count) groups do") not exist on this "
                    + "machine and are ignored until they do (reload after creating them): \(names)"
            )
        }
        return configuration
    }
}

/// One pass over a parsed file.
private struct Parser {
    let file: String
    let locator: TOMLLineLocator
    let loader: ConfigurationLoader
    /// Groups named in the file that this machine does not have, with the key naming each.
    var missingGroups: [(name: String, key: String)] = []

    /// Where a table sits: its name and, for `[[array]]` entries, the index.
    struct Place {
        var table: String?
        var index: Int?
        var keyPrefix: String {
            guard let table else { return "" }
            return index.map { "\(table)[\($0)]." } ?? "\(table)."
        }
    }

    func fail(_ place: Place, _ key: String, _ message: String, line: Int? = nil) -> ConfigurationError {
        let top = key.split(separator: ".").first.map(String.init) ?? key
        return ConfigurationError(
            file: file,
            line: line ?? locator.line(table: place.table, index: place.index, key: top),
            key: place.keyPrefix + key,
            message: message
        )
    }

    func checkKeys(
        _ table: TOMLTable,
        _ place: Place,
        allowed: [String],
        prefix: String = ""
    ) throws(ConfigurationError) {
        for key in table.keys where !allowed.contains(key) {
            throw fail(place, prefix + key, "unknown key; allowed here: \(allowed.joined(separator: ", "))")
        }
    }

    func subtable(_ table: TOMLTable, _ key: String, _ place: Place) throws(ConfigurationError) -> TOMLTable? {
        guard let value = table[key] else { return nil }
        guard let sub = value.table else { throw fail(place, key, "must be a table") }
        return sub
    }

    func string(_ table: TOMLTable, _ key: String, _ place: Place) throws(ConfigurationError) -> String? {
        guard let value = table[key] else { return nil }
        guard let s = value.string else { throw fail(place, key, "must be a string") }
        return s
    }

    func strings(_ table: TOMLTable, _ key: String, _ place: Place) throws(ConfigurationError) -> [String]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw fail(place, key, "must be an array of strings") }
        var result: [String] = []
        for element in array {
            guard let s = element.string else { throw fail(place, key, "must be an array of strings") }
            result.append(s)
        }
        return result
    }

    func ints(
        _ table: TOMLTable,
        _ key: String,
        _ place: Place,
        range: ClosedRange<Int>
    ) throws(ConfigurationError) -> [Int]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw fail(place, key, "must be an array of integers") }
        var result: [Int] = []
        for element in array {
            guard let i = element.int, range.contains(i) else {
                throw fail(place, key, "must be an array of integers in \(range.lowerBound)…\(range.upperBound)")
            }
            result.append(i)
        }
        return result
    }

    func int(
        _ table: TOMLTable,
        _ key: String,
        _ place: Place,
        range: ClosedRange<Int>
    ) throws(ConfigurationError) -> Int? {
        guard let value = table[key] else { return nil }
        guard let i = value.int, range.contains(i) else {
            throw fail(place, key, "must be an integer in \(range.lowerBound)…\(range.upperBound)")
        }
        return i
    }

    func duration(_ table: TOMLTable, _ key: String, _ place: Place) throws(ConfigurationError) -> SLADuration? {
        guard let text = try string(table, key, place) else { return nil }
        guard let duration = SLADuration(text) else {
            throw fail(
                place,
                key,
                "\"\(text)\" is not a duration; write \"N minutes\", \"N hours\", \"N days\", \"N working hours\" or \"N working days\" with N ≥ 1"
            )
        }
        return duration
    }

    func dates(_ table: TOMLTable, _ key: String, _ place: Place) throws(ConfigurationError) -> Set<LocalDate> {
        var result = Set<LocalDate>()
        for text in try strings(table, key, place) ?? [] {
            guard let date = LocalDate(text) else {
                throw fail(place, key, "\"\(text)\" is not a date; write YYYY-MM-DD")
            }
            result.insert(date)
        }
        return result
    }

    mutating func members(
        _ table: TOMLTable,
        _ place: Place,
        prefix: String
    ) throws(ConfigurationError) -> RoleMap.Members {
        let uids = try ints(table, "uids", place, range: 0...Int(UInt32.max - 1)) ?? []
        var gids = Set<UInt32>()
        for name in try strings(table, "groups", place) ?? [] {
            if let gid = loader.resolveGroup(name) {
                gids.insert(gid)
            } else {
                missingGroups.append((name, "\(place.keyPrefix)\(prefix)groups"))
            }
        }
        return RoleMap.Members(uids: Set(uids.map(UInt32.init)), gids: gids)
    }

    mutating func configuration(_ root: TOMLTable) throws(ConfigurationError) -> HotlineConfiguration {
        var config = HotlineConfiguration()
        let top = Place(table: nil)
        try checkKeys(root, top, allowed: ["daemon", "calendar", "sla", "stats", "roles", "unit", "route"])

        var timeZone = TimeZone(identifier: "Asia/Shanghai")!
        if let daemon = try subtable(root, "daemon", top) {
            let place = Place(table: "daemon")
            try checkKeys(
                daemon,
                place,
                allowed: [
                    "socket", "socket_mode", "database", "database_password_file", "node_name", "timezone",
                    "max_connections", "max_connections_per_uid", "message_timeout", "backup_directory",
                    "backups_kept",
                ]
            )
            if let limit = try int(daemon, "max_connections", place, range: 1...65_536) {
                config.daemon.limits.connections = limit
            }
            if let limit = try int(daemon, "max_connections_per_uid", place, range: 1...65_536) {
                config.daemon.limits.connectionsPerUid = limit
            }
            if let seconds = try int(daemon, "message_timeout", place, range: 1...3600) {
                config.daemon.limits.messageTimeout = .seconds(seconds)
            }
            if let socket = try string(daemon, "socket", place) {
                guard socket.hasPrefix("/") || socket.hasPrefix("."), socket.utf8.count < 108 else {
                    throw fail(place, "socket", "must be a path shorter than 108 bytes")
                }
                config.daemon.socket = socket
            }
            if let mode = try string(daemon, "socket_mode", place) {
                guard mode.count == 4, let value = UInt32(mode, radix: 8), value <= 0o777 else {
                    throw fail(place, "socket_mode", "\"\(mode)\" is not an octal file mode such as \"0660\"")
                }
                config.daemon.socketMode = value
            }
            if let database = try string(daemon, "database", place) {
                guard !database.isEmpty else {
                    throw fail(place, "database", "must be a file path or a postgresql:// URL")
                }
                if PostgresLocation.isURL(database) {
                    do {
                        _ = try PostgresLocation(url: database)
                    } catch {
                        throw fail(place, "database", "\(error)")
                    }
                }
                config.daemon.database = database
            }
            if let file = try string(daemon, "database_password_file", place) {
                guard file.hasPrefix("/") || (!file.isEmpty && !file.contains("/")) else {
                    throw fail(
                        place,
                        "database_password_file",
                        "must be an absolute path, or the bare name of a systemd credential (LoadCredential=NAME:…)"
                    )
                }
                config.daemon.databasePasswordFile = file
            }
            if let node = try string(daemon, "node_name", place) {
                guard (1...64).contains(node.count),
                    node.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
                else {
                    throw fail(place, "node_name", "1 to 64 letters, digits, '-', '_' or '.'")
                }
                config.daemon.nodeName = node
            }
            if let folder = try string(daemon, "backup_directory", place) {
                guard folder.hasPrefix("/") else {
                    throw fail(place, "backup_directory", "must be an absolute path, such as /var/lib/hotline/backups")
                }
                config.daemon.backupDirectory = folder
            }
            if let kept = try int(daemon, "backups_kept", place, range: 1...10_000) {
                config.daemon.backupsKept = kept
            }
            if let zone = try string(daemon, "timezone", place) {
                guard let tz = TimeZone(identifier: zone) else {
                    throw fail(place, "timezone", "\"\(zone)\" is not a known time zone such as \"Asia/Shanghai\"")
                }
                timeZone = tz
            }
        }

        var calendar = WorkCalendar(timeZone: timeZone)
        if let table = try subtable(root, "calendar", top) {
            let place = Place(table: "calendar")
            try checkKeys(
                table,
                place,
                allowed: ["workday_start", "workday_end", "weekend", "years", "holidays", "workdays"]
            )
            for key in ["workday_start", "workday_end"] {
                guard let text = try string(table, key, place) else { continue }
                guard let time = TimeOfDay(text) else {
                    throw fail(place, key, "\"\(text)\" is not a time; write HH:MM")
                }
                if key == "workday_start" { calendar.workdayStart = time } else { calendar.workdayEnd = time }
            }
            guard calendar.hasWorkingHours else {
                throw fail(place, "workday_end", "must be later than workday_start")
            }
            if let names = try strings(table, "weekend", place) {
                var days = Set<Weekday>()
                for name in names {
                    guard let day = Weekday(shortName: name) else {
                        throw fail(
                            place,
                            "weekend",
                            "\"\(name)\" is not a day; write mon, tue, wed, thu, fri, sat or sun"
                        )
                    }
                    days.insert(day)
                }
                guard days.count < 7 else { throw fail(place, "weekend", "leaves no working day in the week") }
                calendar.weekend = days
            }
            calendar.years = Set(try ints(table, "years", place, range: 1970...9999) ?? [])
            calendar.holidays = try dates(table, "holidays", place)
            calendar.workdays = try dates(table, "workdays", place)
            if let both = calendar.holidays.intersection(calendar.workdays).min() {
                throw fail(place, "workdays", "\(both) is listed both as a holiday and as a make-up working day")
            }
            for date in calendar.holidays.union(calendar.workdays) where !calendar.years.contains(date.year) {
                throw fail(place, "years", "lists no \(date.year), but holidays or workdays hold \(date); add the year")
            }
        }
        config.calendar = calendar

        if let table = try subtable(root, "sla", top) {
            let place = Place(table: "sla")
            let durations: [(String, WritableKeyPath<SLAPolicy, SLADuration>)] = [
                ("claim", \.claim), ("resolve", \.resolve), ("urgent_claim", \.urgentClaim),
                ("urgent_resolve", \.urgentResolve), ("callback", \.callback), ("rectify", \.rectify),
                ("rating_window", \.ratingWindow), ("phase", \.phase), ("return_window", \.returnWindow),
            ]
            try checkKeys(table, place, allowed: durations.map(\.0) + ["callback_attempts", "warn_at"])
            for (key, path) in durations {
                if let d = try duration(table, key, place) { config.sla[keyPath: path] = d }
            }
            if let value = table["callback_attempts"] {
                guard let n = value.int, (1...20).contains(n) else {
                    throw fail(place, "callback_attempts", "must be an integer from 1 to 20")
                }
                config.sla.callbackAttempts = n
            }
            if let value = table["warn_at"] {
                guard let x = value.double ?? value.int.map(Double.init), x > 0, x < 1 else {
                    throw fail(place, "warn_at", "must be a number between 0 and 1, e.g. 0.8")
                }
                config.sla.warnAt = x
            }
        }

        if let table = try subtable(root, "stats", top) {
            let place = Place(table: "stats")
            try checkKeys(table, place, allowed: ["weights"])
            if let weights = try subtable(table, "weights", place) {
                try checkKeys(weights, place, allowed: ["response", "solved", "satisfaction"], prefix: "weights.")
                let keys: [(String, WritableKeyPath<StatsWeights, Double>)] = [
                    ("response", \.response), ("solved", \.solved), ("satisfaction", \.satisfaction),
                ]
                for (key, path) in keys {
                    guard let value = weights[key] else { continue }
                    guard let x = value.double ?? value.int.map(Double.init), x >= 0, x <= 1 else {
                        throw fail(place, "weights.\(key)", "must be a number from 0 to 1")
                    }
                    config.statsWeights[keyPath: path] = x
                }
                let sum = config.statsWeights.response + config.statsWeights.solved + config.statsWeights.satisfaction
                guard abs(sum - 1) < 0.001 else {
                    throw fail(place, "weights", "must add up to 1 (they add up to \(sum))")
                }
            }
        }

        if let table = try subtable(root, "roles", top) {
            let place = Place(table: "roles")
            try checkKeys(table, place, allowed: ["operators", "supervisors"])
            for key in ["operators", "supervisors"] {
                guard let sub = try subtable(table, key, place) else { continue }
                try checkKeys(sub, place, allowed: ["uids", "groups"], prefix: key + ".")
                let m = try members(sub, place, prefix: key + ".")
                if key == "operators" { config.roles.operators = m } else { config.roles.supervisors = m }
            }
        }

        config.units = try units(root)
        config.roles.units = config.units.map { RoleMap.UnitMembers(id: $0.id, members: $0.members) }
        config.router = Router(routes: try routes(root, units: Set(config.units.map(\.id))))
        return config
    }

    func arrayOfTables(_ root: TOMLTable, _ key: String) throws(ConfigurationError) -> [TOMLTable] {
        guard let value = root[key] else { return [] }
        guard let array = value.array else {
            throw fail(Place(table: nil), key, "must be an array of tables ([[\(key)]])")
        }
        var tables: [TOMLTable] = []
        for (index, element) in array.enumerated() {
            guard let table = element.table else { throw fail(Place(table: key, index: index), "", "must be a table") }
            tables.append(table)
        }
        return tables
    }

    mutating func units(_ root: TOMLTable) throws(ConfigurationError) -> [HandlingUnit] {
        var units: [HandlingUnit] = []
        for (index, table) in try arrayOfTables(root, "unit").enumerated() {
            let place = Place(table: "unit", index: index)
            try checkKeys(table, place, allowed: ["id", "name", "uids", "groups"])
            guard let id = try string(table, "id", place) else { throw fail(place, "id", "is missing") }
            guard !id.isEmpty, id.count <= 64,
                id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else {
                throw fail(place, "id", "\"\(id)\" must be 1–64 ASCII letters, digits, - or _")
            }
            guard !units.contains(where: { $0.id == id }) else {
                throw fail(place, "id", "unit \"\(id)\" is defined twice")
            }
            let name = try string(table, "name", place) ?? id
            units.append(HandlingUnit(id: id, name: name, members: try members(table, place, prefix: "")))
        }
        return units
    }

    func routes(_ root: TOMLTable, units: Set<String>) throws(ConfigurationError) -> [Route] {
        var routes: [Route] = []
        for (index, table) in try arrayOfTables(root, "route").enumerated() {
            let place = Place(table: "route", index: index)
            try checkKeys(
                table,
                place,
                allowed: ["unit", "category", "keywords", "district", "co_units", "resolve", "claim"]
            )
            guard let unit = try string(table, "unit", place) else { throw fail(place, "unit", "is missing") }
            guard units.contains(unit) else { throw fail(place, "unit", "no [[unit]] has id \"\(unit)\"") }
            let coUnits = try strings(table, "co_units", place) ?? []
            for co in coUnits {
                guard units.contains(co) else { throw fail(place, "co_units", "no [[unit]] has id \"\(co)\"") }
                guard co != unit else {
                    throw fail(place, "co_units", "the lead unit \"\(unit)\" cannot also co-handle")
                }
            }
            let keywords = try strings(table, "keywords", place) ?? []
            guard !keywords.contains(where: \.isEmpty) else {
                throw fail(place, "keywords", "an empty keyword matches everything; remove it")
            }
            routes.append(
                Route(
                    unit: unit,
                    category: try string(table, "category", place),
                    keywords: keywords,
                    district: try string(table, "district", place),
                    coUnits: coUnits,
                    resolve: try duration(table, "resolve", place),
                    claim: try duration(table, "claim", place)
                )
            )
        }
        return routes
    }
}
