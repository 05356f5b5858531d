/// Who is on the other end of the socket, as the kernel reports it (`SO_PEERCRED`, `SO_PEERGROUPS`).
public struct PeerCredentials: Sendable, Hashable {
    /// The peer's process id.
    public var pid: Int32
    /// The peer's effective uid.
    public var uid: UInt32
    /// The peer's effective gid.
    public var gid: UInt32
    /// The peer's supplementary groups.
    public var groups: [UInt32]

    /// Creates credentials.
    public init(pid: Int32 = 0, uid: UInt32, gid: UInt32, groups: [UInt32] = []) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.groups = groups
    }

    /// The primary gid and the supplementary groups together.
    public var allGroups: Set<UInt32> { Set(groups).union([gid]) }
}
