import Foundation
import HotlineCore
import Varlink

/// Decoding the parameters of `org.hotline.Knowledge` methods into core values. Every
/// failure is `InvalidParameter` naming the parameter.
public enum KnowledgeRequests {
    /// The longest title and category.
    public static let maximumTitleLength = 200
    /// The longest body: a long policy explanation fits.
    public static let maximumBodyLength = 20_000
    /// How many keywords an entry may have, and how long each may be.
    public static let maximumKeywords = 50
    public static let maximumKeywordLength = 50

    /// The `id` of an entry.
    public static func entryID(_ reader: ParameterReader) throws(VarlinkError) -> String {
        try reader.string("id", maxLength: 64)
    }

    /// `Add`'s parameters (and one element of `Import`'s `entries`).
    public static func draft(_ reader: ParameterReader) throws(VarlinkError) -> KnowledgeDraft {
        KnowledgeDraft(
            title: try reader.string("title", maxLength: maximumTitleLength),
            body: try reader.string("body", maxLength: maximumBodyLength),
            category: try category(reader),
            keywords: try keywords(reader) ?? [],
            validUntil: try reader.optionalDate("validUntil")
        )
    }

    /// The names `Add` takes.
    public static let draftParameters: Set<String> = ["title", "body", "category", "keywords", "validUntil"]

    /// `Update`'s parameters after `id` and `version`.
    public static func edit(_ reader: ParameterReader) throws(VarlinkError) -> KnowledgeEdit {
        var edit = KnowledgeEdit()
        if reader.parameters["title"] != nil, reader.parameters["title"] != .null {
            edit.title = try reader.string("title", maxLength: maximumTitleLength)
        }
        if reader.parameters["body"] != nil, reader.parameters["body"] != .null {
            edit.body = try reader.string("body", maxLength: maximumBodyLength)
        }
        if let category = try reader.optionalString("category", maxLength: maximumTitleLength) {
            edit.category = category.allSatisfy(\.isWhitespace) ? "" : category
        }
        edit.keywords = try keywords(reader)
        if let text = try reader.optionalString("validUntil", maxLength: 64) {
            if text.isEmpty {
                edit.clearsValidUntil = true
            } else {
                edit.validUntil = try reader.optionalDate("validUntil")
            }
        }
        guard !edit.isEmpty else {
            throw .invalidParameter(
                "title",
                reason: "nothing to change: give title, body, category, keywords or validUntil"
            )
        }
        return edit
    }

    /// `Search`'s parameters.
    public static func query(_ parameters: [String: JSONValue]) throws(VarlinkError) -> KnowledgeQuery {
        let r = try ParameterReader(parameters, allowed: ["text", "category", "limit", "includeRetired"])
        let text = try r.string("text", maxLength: 1000)
        guard let words = SearchTerms.words(text) else {
            throw .invalidParameter("text", reason: "every word needs two characters or more")
        }
        return KnowledgeQuery(
            words: words,
            category: try r.optionalString("category", maxLength: maximumTitleLength),
            limit: try r.optionalInt("limit", in: 1...100) ?? 20,
            includeRetired: try r.optionalBool("includeRetired") ?? false
        )
    }

    private static func category(_ reader: ParameterReader) throws(VarlinkError) -> String? {
        guard let category = try reader.optionalString("category", maxLength: maximumTitleLength) else { return nil }
        return category.allSatisfy(\.isWhitespace) ? nil : category
    }

    private static func keywords(_ reader: ParameterReader) throws(VarlinkError) -> [String]? {
        try reader.optionalStrings("keywords", maxLength: maximumKeywordLength, maxCount: maximumKeywords)
    }
}
