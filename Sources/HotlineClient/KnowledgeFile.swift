import Foundation
import Varlink

/// A file of knowledge-base entries for `hotlinectl knowledge import` (contract §10): CSV
/// with the header `title,body,category,keywords` (keywords separated by `;`), or JSON lines
/// (one object per line: `title`, `body`, `category`, `keywords` as an array or a
/// `;`-separated string, `validUntil`). UTF-8 either way.
///
/// Each entry remembers the line it starts on, so that a bad one — here or refused by the
/// daemon — is named by its line.
public struct KnowledgeFile: Sendable {
    /// One entry: the `NewEntry` object the daemon takes, and where it starts in the file.
    public struct Row: Sendable {
        /// The line (from 1) the entry starts on.
        public var line: Int
        /// The entry as `org.hotline.Knowledge.NewEntry`.
        public var entry: JSONValue
    }

    /// Why the file cannot be read, and where.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The line (from 1).
        public var line: Int
        /// What is wrong there.
        public var reason: String

        public var description: String { "line \(line): \(reason)" }
    }

    /// The entries, in the file's order.
    public var rows: [Row]

    /// Reads `text`: JSON lines when its first non-blank character is `{`, CSV otherwise.
    public init(text: String) throws(Failure) {
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        if body.first(where: { !$0.isWhitespace }) == "{" {
            rows = try Self.jsonLines(body)
        } else {
            rows = try Self.csv(body)
        }
    }

    // MARK: JSON lines

    private static func jsonLines(_ text: String) throws(Failure) -> [Row] {
        var rows: [Row] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            guard let value = try? JSONParser.parse(Data(line.utf8)), let object = value.objectValue else {
                throw Failure(line: number, reason: "not a JSON object")
            }
            var entry: [String: JSONValue] = [:]
            for (key, value) in object {
                switch key {
                case "title", "body", "category", "validUntil":
                    guard value == .null || value.stringValue != nil else {
                        throw Failure(line: number, reason: "\(key) is not a string")
                    }
                    entry[key] = value
                case "keywords":
                    if let text = value.stringValue {
                        entry[key] = keywords(text)
                    } else if value.arrayValue?.allSatisfy({ $0.stringValue != nil }) == true || value == .null {
                        entry[key] = value
                    } else {
                        throw Failure(line: number, reason: "keywords is neither a list of strings nor one string")
                    }
                default:
                    throw Failure(
                        line: number,
                        reason: "unknown field \(key); the fields are title, body, category, keywords, validUntil"
                    )
                }
            }
            try check(entry, line: number)
            rows.append(Row(line: number, entry: .object(entry)))
        }
        return rows
    }

    // MARK: CSV

    /// The columns a CSV file has, in any order after the header; title and body required.
    public static let csvColumns = ["title", "body", "category", "keywords"]

    private static func csv(_ text: String) throws(Failure) -> [Row] {
        let records = try csvRecords(text)
        guard let header = records.first else { throw Failure(line: 1, reason: "the file is empty") }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for name in names where !csvColumns.contains(name) {
            throw Failure(line: 1, reason: "unknown column \(name); the header is title,body,category,keywords")
        }
        for required in ["title", "body"] where !names.contains(required) {
            throw Failure(line: 1, reason: "the header has no \(required) column; it is title,body,category,keywords")
        }
        var rows: [Row] = []
        for record in records.dropFirst() {
            if record.fields.allSatisfy(\.isEmpty) { continue }
            guard record.fields.count == names.count else {
                throw Failure(
                    line: record.line,
                    reason: "\(record.fields.count) fields where the header has \(names.count)"
                )
            }
            var entry: [String: JSONValue] = [:]
            for (name, field) in zip(names, record.fields) {
                let value = field.trimmingCharacters(in: .whitespacesAndNewlines)
                if name == "keywords" {
                    entry[name] = keywords(value)
                } else if !value.isEmpty {
                    entry[name] = .string(name == "body" ? field : value)
                }
            }
            try check(entry, line: record.line)
            rows.append(Row(line: record.line, entry: .object(entry)))
        }
        return rows
    }

    /// The records of RFC 4180 CSV (quoted fields may hold commas, quotes doubled, and line
    /// breaks), each with the line it starts on.
    static func csvRecords(_ text: String) throws(Failure) -> [(line: Int, fields: [String])] {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var fieldStarted = false
        var line = 1
        var recordLine = 1
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let scalar = pending {
                pending = nil
                return scalar
            }
            return iterator.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let following = next() {
                        if following == "\"" {
                            field.unicodeScalars.append("\"")
                        } else {
                            quoted = false
                            pending = following
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where !fieldStarted:
                quoted = true
                fieldStarted = true
            case "\"":
                throw Failure(line: line, reason: "a quote inside an unquoted field; quote the whole field")
            case ",":
                fields.append(field)
                field = ""
                fieldStarted = false
            case "\r":
                continue
            case "\n":
                fields.append(field)
                records.append((recordLine, fields))
                fields = []
                field = ""
                fieldStarted = false
                line += 1
                recordLine = line
            default:
                field.unicodeScalars.append(c)
                fieldStarted = true
            }
        }
        if quoted { throw Failure(line: recordLine, reason: "a quoted field is not closed") }
        if fieldStarted || !fields.isEmpty || !field.isEmpty {
            fields.append(field)
            records.append((recordLine, fields))
        }
        return records
    }

    // MARK: Both

    private static func keywords(_ text: String) -> JSONValue {
        .array(
            text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                .map(JSONValue.string)
        )
    }

    /// What the daemon would refuse anyway, said with the line: title and body present.
    private static func check(_ entry: [String: JSONValue], line: Int) throws(Failure) {
        for required in ["title", "body"] {
            guard let text = entry[required]?.stringValue, !text.allSatisfy(\.isWhitespace) else {
                throw Failure(line: line, reason: "no \(required)")
            }
        }
    }
}
