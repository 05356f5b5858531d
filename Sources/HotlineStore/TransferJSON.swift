import Foundation

/// The JSON of transfer records: times as integer milliseconds since 1970 (exact, as the
/// stores keep them), keys sorted, so that the same records always give the same bytes.
package enum TransferJSON {
    /// An encoder of records.
    package static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.millis)
        }
        return encoder
    }

    /// A decoder of records.
    package static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            Date(millis: try decoder.singleValueContainer().decode(Int64.self))
        }
        return decoder
    }
}
