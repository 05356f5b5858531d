import Foundation

/// The JSON of transfer records: times as integer milliseconds since 1970 (exact, as the
/// stores keep them).
package enum TransferJSON {
    /// An encoder of records; with `sortedKeys`, the same records always give the same bytes
    /// (for digests; sorting the keys is most of the encoder's time, so writes go without).
    package static func encoder(sortedKeys: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = sortedKeys ? [.sortedKeys, .withoutEscapingSlashes] : [.withoutEscapingSlashes]
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
