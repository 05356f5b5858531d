/// Where a PostgreSQL database is, from the `[daemon] database` URL (contract §11), read the
/// way libpq reads a connection URI: `postgresql://USER@HOST[:PORT][,HOST2[:PORT2]…]/DBNAME`
/// with optional `?host=…&port=…&sslmode=…&target_session_attrs=…&application_name=…
/// &connect_timeout=…`. An empty host with `?host=/run/postgresql` is the Unix socket in that
/// folder. The password is never part of it (`database_password_file` names a file that
/// holds it).
public struct PostgresLocation: Sendable, Hashable {
    /// One server to try: a host name and port, or a Unix socket folder and port.
    public struct Server: Sendable, Hashable {
        /// A host name or address, or (starting with `/`) the folder of a Unix socket.
        public var host: String
        /// The port (for a socket: the number in its file name, `.s.PGSQL.5432`).
        public var port: Int

        /// A server.
        public init(host: String, port: Int = 5432) {
            self.host = host
            self.port = port
        }

        /// Whether this is a Unix socket folder.
        public var isSocket: Bool { host.hasPrefix("/") }

        /// The socket file's path, for a Unix socket folder.
        public var socketPath: String? { isSocket ? host + "/.s.PGSQL.\(port)" : nil }

        /// The socket file's path, or `host:port`, for the journal and error sentences.
        public var description: String { socketPath ?? (host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)") }
    }

    /// TLS, as libpq's `sslmode` names it.
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// The role to log in as.
    public var user: String
    /// The servers in the order to try; the first that accepts writes is used.
    public var servers: [Server]
    /// The database name (the user's name when the URL gives none, as libpq does).
    public var database: String
    /// TLS (`prefer` unless given; never used on a Unix socket).
    public var tls: TLSMode
    /// The name the sessions carry in `pg_stat_activity`.
    public var applicationName: String
    /// Seconds to wait for a connection to one server.
    public var connectTimeout: Int

    /// Why a URL is not one the daemon can use: the part, and what is wrong with it.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// The part of the URL (`host`, `port`, `password`, `sslmode`, …).
        public var part: String
        /// What is wrong, and what to write instead.
        public var reason: String

        public var description: String { "\(part): \(reason)" }
    }

    /// Whether `text` is meant as a PostgreSQL URL (rather than an SQLite file's path).
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Reads a URL; throws a ``Problem`` naming the part that is wrong.
    public init(url text: String) throws(Problem) {
        guard let schemeEnd = text.range(of: "://"), Self.isURL(text) else {
            throw Problem(part: "scheme", reason: "a PostgreSQL URL starts with postgresql://")
        }
        var rest = Substring(text[schemeEnd.upperBound...])
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var user = ""
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if credentials.contains(":") {
                throw Problem(
                    part: "password",
                    reason:
                        "the password is never in the configuration; put it in the file database_password_file names"
                )
            }
            user = try Self.decoded(credentials, part: "user")
        }
        var servers: [Server] = []
        if !rest.isEmpty {
            for item in rest.split(separator: ",", omittingEmptySubsequences: false) {
                servers.append(try Self.server(item))
            }
        }
        var tls = TLSMode.prefer
        var applicationName = "hotlined"
        var connectTimeout = 10
        var queryHosts: [String]?
        var queryPorts: [Int]?
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0])
            let value = try Self.decoded(parts.count > 1 ? parts[1] : "", part: key)
            switch key {
            case "host": queryHosts = value.split(separator: ",").map(String.init)
            case "port":
                var ports: [Int] = []
                for item in value.split(separator: ",") { ports.append(try Self.port(item)) }
                queryPorts = ports
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw Problem(
                        part: "sslmode",
                        reason: "one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                tls = mode
            case "target_session_attrs":
                guard value == "read-write" || value == "any" else {
                    throw Problem(part: key, reason: "read-write (the daemon writes); any is accepted for one server")
                }
            case "application_name": applicationName = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else {
                    throw Problem(part: key, reason: "a whole number of seconds above 0")
                }
                connectTimeout = seconds
            case "dbname": path = Substring(value)
            case "user": user = value
            case "password", "passfile":
                throw Problem(
                    part: key,
                    reason:
                        "the password is never in the configuration; put it in the file database_password_file names"
                )
            default:
                throw Problem(
                    part: key,
                    reason:
                        "not a parameter the daemon reads; it takes host, port, sslmode, target_session_attrs, application_name, connect_timeout"
                )
            }
        }
        if let queryHosts {
            guard servers.isEmpty || servers.allSatisfy({ $0.host.isEmpty }) else {
                throw Problem(part: "host", reason: "give the hosts either before the path or as ?host=, not both")
            }
            let ports = queryPorts ?? servers.map(\.port)
            servers = queryHosts.enumerated().map { index, host in
                Server(host: host, port: ports.isEmpty ? 5432 : ports[min(index, ports.count - 1)])
            }
        } else if let queryPorts, servers.isEmpty {
            servers = [Server(host: "/run/postgresql", port: queryPorts[0])]
        }
        servers = servers.map { $0.host.isEmpty ? Server(host: "/run/postgresql", port: $0.port) : $0 }
        if servers.isEmpty { servers = [Server(host: "/run/postgresql")] }
        guard !user.isEmpty else {
            throw Problem(part: "user", reason: "name the role to log in as: postgresql://hotline@…")
        }
        let database = try Self.decoded(path, part: "database")
        self.user = user
        self.servers = servers
        self.database = database.isEmpty ? user : database
        self.tls = tls
        self.applicationName = applicationName
        self.connectTimeout = connectTimeout
    }

    /// One `host[:port]` of the URL; IPv6 addresses in brackets.
    private static func server(_ item: Substring) throws(Problem) -> Server {
        if item.hasPrefix("[") {
            guard let close = item.firstIndex(of: "]") else {
                throw Problem(part: "host", reason: "an IPv6 address in [ ] is not closed")
            }
            let host = String(item[item.index(after: item.startIndex)..<close])
            let after = item[item.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else {
                throw Problem(part: "host", reason: "only :PORT may follow an IPv6 address")
            }
            return Server(host: host, port: after.isEmpty ? 5432 : try port(after.dropFirst()))
        }
        let parts = item.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let host = try decoded(parts[0], part: "host")
        return Server(host: host, port: parts.count > 1 ? try port(parts[1]) : 5432)
    }

    private static func port(_ text: Substring) throws(Problem) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw Problem(part: "port", reason: "\(text) is not a port (1–65535)")
        }
        return port
    }

    /// `text` with its %XX escapes decoded.
    private static func decoded(_ text: Substring, part: String) throws(Problem) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                let first = utf8.index(after: index)
                guard first < utf8.endIndex, utf8.index(after: first) < utf8.endIndex,
                    let value = UInt8(
                        String(decoding: utf8[first...utf8.index(after: first)], as: UTF8.self),
                        radix: 16
                    )
                else { throw Problem(part: part, reason: "a % not followed by two hexadecimal digits") }
                bytes.append(value)
                index = utf8.index(first, offsetBy: 2)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw Problem(part: part, reason: "its %-escapes are not UTF-8")
        }
        return decoded
    }
}
