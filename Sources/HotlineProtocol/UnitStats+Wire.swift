import HotlineCore
import Varlink

extension StatsWeights {
    /// The weights as the `StatsWeights` type of the interface.
    public var wireValue: JSONValue {
        .object(["response": .double(response), "solved": .double(solved), "satisfaction": .double(satisfaction)])
    }
}

extension CentreStats {
    /// The figures as the `CentreStats` type of the interface, the rates exact.
    public var wireValue: JSONValue {
        var fields: [String: JSONValue] = [:]
        for (name, path) in Self.counted { fields[name] = .int(Int64(self[keyPath: path])) }
        fields["directRate"] = directRate.map(JSONValue.double) ?? .null
        fields["satisfactionRate"] = satisfactionRate.map(JSONValue.double) ?? .null
        fields["callbackRate"] = callbackRate.map(JSONValue.double) ?? .null
        return .object(fields)
    }
}

extension UnitStats {
    /// The row as the `UnitStats` type of the interface: every count, the rates exact (null
    /// when their denominator is 0) and the score (null when no rate is known).
    public func wireValue(weights: StatsWeights) -> JSONValue {
        func rate(_ value: Double?) -> JSONValue { value.map(JSONValue.double) ?? .null }
        var fields: [String: JSONValue] = ["unit": .string(unit)]
        for (name, path) in Self.counted { fields[name] = .int(Int64(self[keyPath: path])) }
        fields["responseRate"] = rate(responseRate)
        fields["onTimeRate"] = rate(onTimeRate)
        fields["solvedRate"] = rate(solvedRate)
        fields["satisfactionRate"] = rate(satisfactionRate)
        fields["callbackRate"] = rate(callbackRate)
        fields["score"] = rate(score(weights: weights))
        return .object(fields)
    }
}
