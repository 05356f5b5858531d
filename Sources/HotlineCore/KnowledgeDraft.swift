import Foundation

/// A new knowledge-base entry as a supervisor writes it (`Add`, one row of an import).
public struct KnowledgeDraft: Sendable, Hashable {
    /// What the entry answers.
    public var title: String
    /// The answer.
    public var body: String
    /// Its category, if any.
    public var category: String?
    /// Further words it is found by.
    public var keywords: [String]
    /// The end of its validity, if any.
    public var validUntil: Date?

    /// Creates a draft.
    public init(title: String, body: String, category: String? = nil, keywords: [String] = [], validUntil: Date? = nil)
    {
        self.title = title
        self.body = body
        self.category = category
        self.keywords = keywords
        self.validUntil = validUntil
    }

    /// The first version of the entry `id`, added by `uid` at `now`.
    public func entry(id: String, by uid: UInt32, at now: Date) -> KnowledgeEntry {
        KnowledgeEntry(
            id: id,
            title: title,
            body: body,
            category: category,
            keywords: keywords,
            version: 1,
            createdAt: now,
            updatedAt: now,
            updatedBy: uid,
            retired: false,
            validUntil: validUntil,
            uses: 0
        )
    }
}

/// The fields an `Update` changes; nil leaves a field as it is.
public struct KnowledgeEdit: Sendable, Hashable {
    /// A new title.
    public var title: String?
    /// A new body.
    public var body: String?
    /// A new category; empty removes it.
    public var category: String?
    /// New keywords (the whole list).
    public var keywords: [String]?
    /// A new end of validity.
    public var validUntil: Date?
    /// Removes the end of validity.
    public var clearsValidUntil: Bool

    /// Creates an edit.
    public init(
        title: String? = nil,
        body: String? = nil,
        category: String? = nil,
        keywords: [String]? = nil,
        validUntil: Date? = nil,
        clearsValidUntil: Bool = false
    ) {
        self.title = title
        self.body = body
        self.category = category
        self.keywords = keywords
        self.validUntil = validUntil
        self.clearsValidUntil = clearsValidUntil
    }

    /// Whether the edit changes nothing at all.
    public var isEmpty: Bool {
        title == nil && body == nil && category == nil && keywords == nil && validUntil == nil && !clearsValidUntil
    }
}

/// A search of the knowledge base (contract §10).
public struct KnowledgeQuery: Sendable, Hashable {
    /// The words every entry found holds (as ``SearchTerms/words(_:)`` gives them).
    public var words: [String]
    /// Only entries of this category.
    public var category: String?
    /// At most this many entries.
    public var limit: Int
    /// Retired entries and those past their validity too.
    public var includeRetired: Bool

    /// Creates a query.
    public init(words: [String], category: String? = nil, limit: Int = 20, includeRetired: Bool = false) {
        self.words = words
        self.category = category
        self.limit = limit
        self.includeRetired = includeRetired
    }
}

/// Who may do what with the knowledge base (contract §2, §10).
public enum KnowledgeAccess: Sendable, Hashable {
    /// Get and Search.
    case read
    /// Add, Update, Retire and Import.
    case edit
}

extension Role {
    /// Whether this role may `access` the knowledge base: everyone with a role reads it,
    /// supervisors and admin edit it.
    public func may(_ access: KnowledgeAccess) -> Bool {
        switch (self, access) {
        case (.none, _): false
        case (.admin, _), (.supervisor, _): true
        case (.operator, .read), (.unit, .read): true
        case (.operator, .edit), (.unit, .edit): false
        }
    }
}
