import Foundation

/// One entry of the centre's knowledge base (知识库, contract §10): the authoritative answer
/// operators read out or cite, in its current version or one kept from before.
///
/// Every change makes a new version; the versions an entry had are kept unchanged.
public struct KnowledgeEntry: Sendable, Hashable, Codable {
    /// The entry's id, `K000042`: the order in which entries were added.
    public var id: String
    /// What the entry answers, e.g. "停水后多久恢复供水".
    public var title: String
    /// The answer itself.
    public var body: String
    /// The category it belongs to (the same names as tickets').
    public var category: String?
    /// Further words it is found by.
    public var keywords: [String]
    /// 1 for the first version, one more for each change.
    public var version: Int
    /// When the entry was added (its first version).
    public var createdAt: Date
    /// When this version was made.
    public var updatedAt: Date
    /// The uid that made this version.
    public var updatedBy: UInt32
    /// Withdrawn: no longer offered nor citable.
    public var retired: Bool
    /// The end of its validity (e.g. a holiday schedule's year), if it has one.
    public var validUntil: Date?
    /// How many answers cited it; for an earlier version, how many had when it was replaced.
    public var uses: Int

    /// Creates an entry.
    public init(
        id: String,
        title: String,
        body: String,
        category: String?,
        keywords: [String],
        version: Int,
        createdAt: Date,
        updatedAt: Date,
        updatedBy: UInt32,
        retired: Bool,
        validUntil: Date?,
        uses: Int
    ) {
        self.id = id
        self.title = title
        self.body = body
        self.category = category
        self.keywords = keywords
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
        self.retired = retired
        self.validUntil = validUntil
        self.uses = uses
    }

    /// Whether an answer given at `now` may cite it: not retired, and not past `validUntil`.
    public func isInForce(at now: Date) -> Bool {
        !retired && (validUntil.map { now < $0 } ?? true)
    }

    /// The text search looks in, field by field: title, body, the keywords one per line.
    public var searchedText: [String?] { [title, body, keywords.joined(separator: "\n")] }

    /// The next version: `edit` applied, made by `uid` at `now`.
    public func edited(_ edit: KnowledgeEdit, by uid: UInt32, at now: Date) -> KnowledgeEntry {
        var next = self
        if let title = edit.title { next.title = title }
        if let body = edit.body { next.body = body }
        if let category = edit.category { next.category = category.isEmpty ? nil : category }
        if let keywords = edit.keywords { next.keywords = keywords }
        if let validUntil = edit.validUntil { next.validUntil = validUntil }
        if edit.clearsValidUntil { next.validUntil = nil }
        next.version += 1
        next.updatedAt = now
        next.updatedBy = uid
        return next
    }

    /// The next version, withdrawn, made by `uid` at `now`.
    public func retiring(by uid: UInt32, at now: Date) -> KnowledgeEntry {
        var next = self
        next.retired = true
        next.version += 1
        next.updatedAt = now
        next.updatedBy = uid
        return next
    }
}
