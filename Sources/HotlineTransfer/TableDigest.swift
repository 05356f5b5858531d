import Crypto
import Foundation
import HotlineStore

/// One logical table of a site, as a transfer checks it: how many rows, and the SHA-256 of
/// their canonical text (each record's JSON with sorted keys and times in milliseconds, one
/// per line, in the order the site wrote them). Two databases whose tables have equal digests
/// hold the same, whichever backends they are.
public struct TableDigest: Sendable, Hashable, CustomStringConvertible {
    /// The table's name ("tickets", "events", …).
    public var table: String
    /// Its rows.
    public var rows: Int
    /// The SHA-256 of its rows, in hexadecimal.
    public var sha256: String

    /// A digest.
    public init(table: String, rows: Int, sha256: String) {
        self.table = table
        self.rows = rows
        self.sha256 = sha256
    }

    public var description: String { "\(table): \(rows) rows, sha256 \(sha256)" }
}

/// Builds a ``TableDigest`` a record at a time.
struct DigestBuilder {
    let table: String
    private(set) var rows = 0
    private var hash = SHA256()
    private let encoder = TransferJSON.encoder()

    init(_ table: String) {
        self.table = table
    }

    /// Adds `count` rows whose canonical text is `value`'s JSON, after `prefix` (the key of
    /// the row that owns them, say).
    mutating func add<T: Encodable>(_ value: T, prefix: String? = nil, count: Int = 1) throws {
        if let prefix { hash.update(data: Data((prefix + "\t").utf8)) }
        hash.update(data: try encoder.encode(value))
        hash.update(data: Data("\n".utf8))
        rows += count
    }

    /// The digest of what was added.
    func finish() -> TableDigest {
        TableDigest(table: table, rows: rows, sha256: hash.finalize().map { String(format: "%02x", $0) }.joined())
    }
}
