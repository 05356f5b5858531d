/// Where the reported problem is.
public struct Location: Sendable, Codable, Hashable {
    /// The district (区/县), matched exactly by routes.
    public var district: String?
    /// The street address.
    public var address: String?

    /// Creates a location.
    public init(district: String? = nil, address: String? = nil) {
        self.district = district
        self.address = address
    }

    /// Whether neither field is set.
    public var isEmpty: Bool { district == nil && address == nil }
}
