/// What ``Hotspot`` counts tickets by (contract §9 `HotspotKey`).
public enum HotspotKey: String, Sendable, CaseIterable, Hashable {
    /// The ticket's category.
    case category
    /// The district of its location.
    case district
    /// Its lead unit (none for a ticket the centre answered or still pending).
    case unit
    /// The channel it came in by.
    case channel
}

/// One key's tickets in a period and in the period of the same length right before it.
public struct Hotspot: Sendable, Hashable, Codable {
    /// The category, district, unit or channel; nil for the tickets without one.
    public var key: String?
    /// Tickets received in the period with this key.
    public var count: Int
    /// Tickets received with this key in the period before.
    public var previous: Int

    /// Creates a row.
    public init(key: String?, count: Int, previous: Int) {
        self.key = key
        self.count = count
        self.previous = previous
    }

    /// (count − previous) / previous; nil when there was nothing before.
    public var change: Double? {
        previous == 0 ? nil : Double(count - previous) / Double(previous)
    }

    /// `rows` in the order of the contract: highest count first, then key, no key last.
    public static func ranked(_ rows: [Hotspot]) -> [Hotspot] {
        rows.sorted { a, b in
            if a.count != b.count { return a.count > b.count }
            switch (a.key, b.key) {
            case (let x?, let y?): return x < y
            case (.some, nil): return true
            default: return false
            }
        }
    }
}
