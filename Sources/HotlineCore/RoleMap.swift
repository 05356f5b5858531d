/// Maps peer credentials to a ``Role`` (contract §2).
///
/// uid 0 is `admin`. Otherwise the first match wins in this order: supervisors, operators,
/// then the units in configuration order. Groups are matched by gid; the configuration
/// loader resolves group names to gids.
public struct RoleMap: Sendable, Hashable {
    /// Who counts as a member of a role or unit.
    public struct Members: Sendable, Hashable {
        /// Matching uids.
        public var uids: Set<UInt32>
        /// Matching gids (primary or supplementary).
        public var gids: Set<UInt32>

        /// Creates a member set.
        public init(uids: Set<UInt32> = [], gids: Set<UInt32> = []) {
            self.uids = uids
            self.gids = gids
        }

        /// Whether the credentials belong to this set.
        public func contains(_ credentials: PeerCredentials) -> Bool {
            uids.contains(credentials.uid) || !gids.isDisjoint(with: credentials.allGroups)
        }
    }

    /// The hotline centre's operators.
    public var operators: Members
    /// The hotline centre's supervisors.
    public var supervisors: Members
    /// A unit and its members.
    public struct UnitMembers: Sendable, Hashable {
        /// The unit's id.
        public var id: String
        /// Its members.
        public var members: Members

        /// Creates a unit membership entry.
        public init(id: String, members: Members) {
            self.id = id
            self.members = members
        }
    }

    /// Each unit's members, in configuration order.
    public var units: [UnitMembers]

    /// Creates a role map.
    public init(operators: Members = Members(), supervisors: Members = Members(), units: [UnitMembers] = []) {
        self.operators = operators
        self.supervisors = supervisors
        self.units = units
    }

    /// The role of a caller with these credentials.
    public func role(of credentials: PeerCredentials) -> Role {
        if credentials.uid == 0 { return .admin }
        if supervisors.contains(credentials) { return .supervisor }
        if operators.contains(credentials) { return .operator }
        for unit in units where unit.members.contains(credentials) {
            return .unit(unit.id)
        }
        return .none
    }
}
