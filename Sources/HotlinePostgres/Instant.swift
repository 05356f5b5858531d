import Foundation
import HotlineStore
import NIOCore
import PostgresNIO

/// An instant bound as `timestamptz` to the exact millisecond. `Date`'s own encoding goes
/// through a `Double` of microseconds and may land a microsecond short of the millisecond it
/// was given, which a comparison on the server (a check due in this millisecond) would see.
struct Instant: PostgresNonThrowingEncodable, Sendable {
    /// Milliseconds since 1970.
    var millis: Int64

    /// The instant `date` at its millisecond (rounded down, as the stores keep times).
    init(_ date: Date) { millis = date.millis }

    /// The instant `millis` milliseconds after 1970.
    init(millis: Int64) { self.millis = millis }

    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    /// 2000-01-01 in milliseconds since 1970: the server counts microseconds from there.
    private static let serverEpoch: Int64 = 946_684_800_000

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into byteBuffer: inout ByteBuffer,
        context: PostgresEncodingContext<JSONEncoder>
    ) {
        byteBuffer.writeInteger((millis - Self.serverEpoch) * 1000)
    }
}

extension Optional where Wrapped == Date {
    /// The instant to bind, nil staying NULL.
    var instant: Instant? { map(Instant.init) }
}
