/// A caller of the daemon: its credentials and the role they map to.
public struct Caller: Sendable, Hashable {
    /// The kernel-reported credentials.
    public var credentials: PeerCredentials
    /// The role derived from them by ``RoleMap``.
    public var role: Role

    /// Creates a caller.
    public init(credentials: PeerCredentials, role: Role) {
        self.credentials = credentials
        self.role = role
    }

    /// The daemon itself, the actor of time-driven changes.
    public static let system = Caller(credentials: PeerCredentials(uid: 0, gid: 0), role: .admin)

    /// The caller's uid.
    public var uid: UInt32 { credentials.uid }
}
