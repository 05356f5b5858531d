import Foundation

/// Everything the daemon's behaviour depends on, as one value (contract §7).
///
/// Loading it from TOML lives with the daemon; here it is only data. A reload swaps the
/// whole value at once.
public struct HotlineConfiguration: Sendable, Hashable {
    /// The `[daemon]` section.
    public struct Daemon: Sendable, Hashable {
        /// The socket path (default `/run/hotline/hotline.sock`).
        public var socket: String = "/run/hotline/hotline.sock"
        /// The socket file's mode (default `0660`).
        public var socketMode: UInt32 = 0o660
        /// The database: an SQLite file's path (default `/var/lib/hotline/hotline.db`) or a
        /// PostgreSQL URL (contract §11, ``PostgresLocation``).
        public var database: String = "/var/lib/hotline/hotline.db"
        /// The file that holds the PostgreSQL password, if the server asks for one (under
        /// systemd a credential: `LoadCredential=` and `%d/…`).
        public var databasePasswordFile: String?
        /// This daemon's name among those sharing a database (default: the host name).
        public var nodeName: String = HotlineConfiguration.Daemon.hostName()

        /// The PostgreSQL database `database` names, or nil for an SQLite file.
        public var postgres: PostgresLocation? {
            PostgresLocation.isURL(database) ? try? PostgresLocation(url: database) : nil
        }

        /// The machine's host name, up to its first dot.
        public static func hostName() -> String {
            let name = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? ""
            return name.isEmpty ? "hotlined" : name
        }
        /// How many connections the daemon holds open, and for how long a message may take.
        public var limits = ConnectionLimits()
        /// Where `Backup` writes its copies; nil: a `backups` folder beside the SQLite database.
        public var backupDirectory: String?
        /// How many copies `Backup` keeps in that folder, the newest (default 7: a week of
        /// the daily timer).
        public var backupsKept = 7

        /// The folder `Backup` writes into: `backupDirectory`, or `backups` beside the
        /// database file.
        public var backupFolder: String {
            if let backupDirectory { return backupDirectory }
            return URL(fileURLWithPath: database).deletingLastPathComponent().appendingPathComponent("backups").path
        }

        /// The defaults.
        public init() {}
    }

    /// The `[daemon]` section.
    public var daemon = Daemon()
    /// The `[calendar]` section and `daemon.timezone`.
    public var calendar = WorkCalendar()
    /// The `[sla]` section.
    public var sla = SLAPolicy()
    /// The `[stats]` section.
    public var statsWeights = StatsWeights()
    /// The `[roles]` section and the units' members.
    public var roles = RoleMap()
    /// The `[[unit]]` entries in file order.
    public var units: [HandlingUnit] = []
    /// The `[[route]]` entries in file order.
    public var router = Router(routes: [])

    /// The defaults: no units, no routes, nobody but root has a role.
    public init() {}

    /// The unit with this id.
    public func unit(_ id: String) -> HandlingUnit? {
        units.first { $0.id == id }
    }
}
