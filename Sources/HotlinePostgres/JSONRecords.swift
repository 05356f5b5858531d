/// A JSON array of flat records (numbers, strings, arrays of strings and nulls), written straight into bytes for
/// the statements that read their rows with `jsonb_to_recordset`. Every Submit and command
/// writes three or four of these; a general encoder spent more on them than the rest of the
/// statement's binding did.
///
///     var records = JSONRecords()
///     records.append { $0.field("kind", "claim"); $0.field("due_at", 1_700_000_000_000) }
///     records.json  // [{"kind":"claim","due_at":1700000000000}]
struct JSONRecords {
    private var bytes: [UInt8] = [UInt8(ascii: "[")]

    /// The fields of one record, in the order they are written.
    struct Record {
        fileprivate var bytes: [UInt8]
        fileprivate var first = true

        /// A number field.
        mutating func field(_ name: StaticString, _ value: Int64) {
            key(name)
            bytes.append(contentsOf: String(value).utf8)
        }

        /// A string field, or null.
        mutating func field(_ name: StaticString, _ value: String?) {
            key(name)
            guard let value else {
                bytes.append(contentsOf: "null".utf8)
                return
            }
            JSONRecords.appendString(value, to: &bytes)
        }

        /// An array of strings.
        mutating func field(_ name: StaticString, _ values: [String]) {
            key(name)
            bytes.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                JSONRecords.appendString(value, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        }

        private mutating func key(_ name: StaticString) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            bytes.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: "\":".utf8)
        }
    }

    /// Appends one record, its fields written by `fields`.
    mutating func append(_ fields: (inout Record) -> Void) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "{"))
        var record = Record(bytes: [])
        swap(&record.bytes, &bytes)
        fields(&record)
        swap(&record.bytes, &bytes)
        bytes.append(UInt8(ascii: "}"))
    }

    /// The array as text.
    var json: String {
        var closed = bytes
        closed.append(UInt8(ascii: "]"))
        return String(decoding: closed, as: UTF8.self)
    }

    /// `value` as a JSON string (RFC 8259 §7): quote, backslash and the control characters
    /// escaped, everything else as its UTF-8.
    static func appendString(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "\n"): bytes.append(contentsOf: "\\n".utf8)
            case UInt8(ascii: "\r"): bytes.append(contentsOf: "\\r".utf8)
            case UInt8(ascii: "\t"): bytes.append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
