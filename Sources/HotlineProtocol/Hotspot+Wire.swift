import HotlineCore
import Varlink

extension Hotspot {
    /// The row as the `Hotspot` type of the interface.
    public var wireValue: JSONValue {
        [
            "key": key.map(JSONValue.string) ?? .null, "count": .int(Int64(count)),
            "previous": .int(Int64(previous)), "change": change.map(JSONValue.double) ?? .null,
        ]
    }
}
