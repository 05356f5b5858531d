/// What one client, or all of them together, may hold of the daemon (`[daemon]`
/// `max_connections`, `max_connections_per_uid`, `message_timeout`). A connection over a
/// limit is closed as soon as it is accepted; a message that has begun must end within the
/// timeout, so a client trickling bytes (slowloris) cannot hold a connection slot.
public struct ConnectionLimits: Sendable, Hashable {
    /// Connections open at once, all clients together.
    public static let defaultConnections = 1024
    /// Connections open at once from one uid (a unit's clerks share a uid only by mistake;
    /// 64 leaves room for scripts and watchers).
    public static let defaultConnectionsPerUid = 64
    /// Seconds from a message's first byte to its terminating NUL.
    public static let defaultMessageTimeout = Duration.seconds(10)

    /// Connections open at once, all clients together.
    public var connections = defaultConnections
    /// Connections open at once from one uid (root is not limited).
    public var connectionsPerUid = defaultConnectionsPerUid
    /// The longest a message may take to arrive once it has begun.
    public var messageTimeout = defaultMessageTimeout

    /// The defaults.
    public init() {}
}
