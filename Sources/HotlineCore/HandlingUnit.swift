/// A handling unit (承办单位) that tickets are dispatched to.
public struct HandlingUnit: Sendable, Hashable {
    /// The short id used on the wire and in routes (`water`).
    public var id: String
    /// The unit's full name (`市水务集团`).
    public var name: String
    /// Who belongs to it.
    public var members: RoleMap.Members

    /// Creates a unit.
    public init(id: String, name: String, members: RoleMap.Members = RoleMap.Members()) {
        self.id = id
        self.name = name
        self.members = members
    }
}
