/// The citizen who raised a ticket. Never logged; masked for units.
public struct Citizen: Sendable, Codable, Hashable {
    /// The citizen's name, if given.
    public var name: String?
    /// The citizen's phone number, if given.
    public var phone: String?

    /// Creates a citizen record.
    public init(name: String? = nil, phone: String? = nil) {
        self.name = name
        self.phone = phone
    }

    /// Whether neither field is set.
    public var isEmpty: Bool { name == nil && phone == nil }
}
