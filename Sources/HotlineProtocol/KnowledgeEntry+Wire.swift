import Foundation
import HotlineCore
import Varlink

extension KnowledgeEntry {
    /// The entry as the `Entry` type of `org.hotline.Knowledge`, times in `timeZone`.
    public func wireValue(in timeZone: TimeZone) -> JSONValue {
        .object([
            "id": .string(id),
            "title": .string(title),
            "body": .string(body),
            "category": category.map(JSONValue.string) ?? .null,
            "keywords": .array(keywords.map(JSONValue.string)),
            "version": .int(Int64(version)),
            "createdAt": .string(RFC3339.format(createdAt, in: timeZone)),
            "updatedAt": .string(RFC3339.format(updatedAt, in: timeZone)),
            "updatedBy": .int(Int64(updatedBy)),
            "retired": .bool(retired),
            "validUntil": validUntil.map { .string(RFC3339.format($0, in: timeZone)) } ?? .null,
            "uses": .int(Int64(uses)),
        ])
    }
}
