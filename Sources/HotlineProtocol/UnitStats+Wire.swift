import HotlineCore
import Varlink

extension UnitStats {
    /// The row as the `UnitStats` type of the interface; rates are null when their
    /// denominator is 0.
    public func wireValue(weights: StatsWeights) -> JSONValue {
        func rate(_ value: Double?) -> JSONValue { value.map { .double(($0 * 10000).rounded() / 10000) } ?? .null }
        func count(_ value: Int) -> JSONValue { .int(Int64(value)) }
        return .object([
            "unit": .string(unit),
            "dispatched": count(dispatched), "claimedOnTime": count(claimedOnTime), "responseRate": rate(responseRate),
            "replied": count(replied), "repliedOnTime": count(repliedOnTime), "onTimeRate": rate(onTimeRate),
            "rated": count(rated), "solved": count(solved), "solvedRate": rate(solvedRate),
            "satisfied": count(satisfied), "satisfactionRate": rate(satisfactionRate),
            "badRatings": count(badRatings), "callbacksDone": count(callbacksDone), "callbackRate": rate(callbackRate),
            "rectified": count(rectified), "overdue": count(overdue), "returned": count(returned), "extended": count(extended),
            "score": .double((score(weights: weights) * 100).rounded() / 100),
        ])
    }
}
