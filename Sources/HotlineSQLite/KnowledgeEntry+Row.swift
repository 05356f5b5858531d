import Foundation
import GRDB
import HotlineCore
import HotlineStore

extension KnowledgeEntry {
    /// The columns an entry is read from, in ``init(row:startingAt:)``'s order; both
    /// `knowledgeEntry` and `knowledgeVersion` have them (`entryId` is the latter's `id`).
    static func selectedColumns(_ alias: String, idColumn: String = "id") -> String {
        (["\(alias).\(idColumn)"] + fields.map { "\(alias).\($0)" }).joined(separator: ", ")
    }

    /// The columns after the id.
    static let fields = [
        "title", "body", "category", "keywords", "version", "createdAt", "updatedAt", "updatedBy", "retired",
        "validUntil", "uses",
    ]

    /// Reads an entry from `row`, its columns from `first` on as ``selectedColumns(_:idColumn:)`` lists them.
    init(row: Row, startingAt first: Int = 0) {
        let validUntil: Int64? = row[first + 10]
        self.init(
            id: row[first],
            title: row[first + 1],
            body: row[first + 2],
            category: row[first + 3],
            keywords: StoredList.values(fromJSON: row[first + 4]),
            version: row[first + 5],
            createdAt: Date(millis: row[first + 6]),
            updatedAt: Date(millis: row[first + 7]),
            updatedBy: UInt32(truncatingIfNeeded: row[first + 8] as Int64),
            retired: row[first + 9],
            validUntil: validUntil.map(Date.init(millis:)),
            uses: row[first + 11]
        )
    }

    /// The values of the content columns, `title` to `validUntil` as ``fields`` lists them
    /// (not `uses`).
    var contentValues: [DatabaseValue] {
        [
            title.databaseValue, body.databaseValue, category?.databaseValue ?? .null,
            StoredList.json(keywords).databaseValue, version.databaseValue, createdAt.millis.databaseValue,
            updatedAt.millis.databaseValue, Int64(updatedBy).databaseValue, retired.databaseValue,
            validUntil?.millis.databaseValue ?? .null,
        ]
    }
}
