/// One routing rule (contract §7 `[[route]]`): every criterion given must match.
public struct Route: Sendable, Hashable {
    /// The lead unit the ticket goes to.
    public var unit: String
    /// Matches when the ticket's category equals this.
    public var category: String?
    /// Matches when any keyword occurs in the title or the content.
    public var keywords: [String]
    /// Matches when the ticket's district equals this.
    public var district: String?
    /// Co-handling units added on dispatch.
    public var coUnits: [String]
    /// Overrides `[sla] resolve` for tickets this route sends.
    public var resolve: SLADuration?
    /// Overrides `[sla] claim` for tickets this route sends.
    public var claim: SLADuration?

    /// Creates a route.
    public init(
        unit: String,
        category: String? = nil,
        keywords: [String] = [],
        district: String? = nil,
        coUnits: [String] = [],
        resolve: SLADuration? = nil,
        claim: SLADuration? = nil
    ) {
        self.unit = unit
        self.category = category
        self.keywords = keywords
        self.district = district
        self.coUnits = coUnits
        self.resolve = resolve
        self.claim = claim
    }

    /// Whether this route takes a ticket with these fields.
    public func matches(category: String?, title: String?, content: String, district: String?) -> Bool {
        if let wanted = self.category, wanted != category { return false }
        if let wanted = self.district, wanted != district { return false }
        if !keywords.isEmpty {
            let hit = keywords.contains { keyword in
                content.contains(keyword) || (title?.contains(keyword) ?? false)
            }
            if !hit { return false }
        }
        return true
    }
}
