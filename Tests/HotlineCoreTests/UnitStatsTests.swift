import Testing

@testable import HotlineCore

@Suite("Stats: what a ticket counts, the rates, the score and the ranking (contract §5)")
struct UnitStatsTests {
    @Test("add moves every count, and nothing else")
    func addCoversEveryCount() {
        for (name, path) in UnitStats.counted {
            var one = UnitStats(unit: "water")
            one[keyPath: path] = 1
            var sum = UnitStats(unit: "water")
            sum.add(one)
            sum.add(one)
            #expect(sum[keyPath: path] == 2, "\(name)")
            sum.add(one, sign: -2)
            #expect(sum == UnitStats(unit: "water"), "\(name)")
        }
    }

    @Test("A ticket inside its windows counts against nobody; a passed deadline makes its outcome known")
    func knownOutcomes() {
        let waiting = UnitStats(unit: "water", counting: StatsFacts())
        #expect(waiting.dispatched == 1 && waiting.claimDue == 0 && waiting.replyDue == 0)
        #expect(
            waiting.responseRate == nil && waiting.onTimeRate == nil && waiting.score(weights: StatsWeights()) == nil
        )

        let missed = UnitStats(unit: "water", counting: StatsFacts().passing(.claim).passing(.resolve))
        #expect(missed.claimDue == 1 && missed.claimedOnTime == 0 && missed.replyDue == 1 && missed.overdue == 1)
        #expect(missed.responseRate == 0 && missed.onTimeRate == 0)

        var late = StatsFacts().passing(.claim)
        late.claimed = true
        let claimedLate = UnitStats(unit: "water", counting: late)
        #expect(claimedLate.claimDue == 1 && claimedLate.claimedOnTime == 0)

        // A reopened ticket whose rectification deadline passes: its reply stops being on time.
        var reopened = StatsFacts()
        reopened.replied = true
        let before = UnitStats(unit: "water", counting: reopened)
        let after = UnitStats(unit: "water", counting: reopened.passing(.resolve))
        #expect(before.replyDue == 1 && before.repliedOnTime == 1 && after.replyDue == 1 && after.repliedOnTime == 0)
        // The call-back deadline is the centre's, not the unit's.
        #expect(StatsFacts().passing(.callback) == StatsFacts())
    }

    @Test("The score is the weighted mean of the known rates; the total is scored from its sums")
    func score() throws {
        var onlyResponse = UnitStats(unit: "gas")
        onlyResponse.dispatched = 4
        onlyResponse.claimDue = 4
        onlyResponse.claimedOnTime = 3
        #expect(abs(try #require(onlyResponse.score(weights: StatsWeights())) - 75) < 1e-12)

        var rated = onlyResponse
        rated.rated = 2
        rated.solved = 1
        rated.satisfied = 2
        let expected = 100 * (0.30 * 0.75 + 0.35 * 0.5 + 0.35 * 1.0) / (0.30 + 0.35 + 0.35)
        #expect(abs(try #require(rated.score(weights: StatsWeights())) - expected) < 1e-12)

        var total = UnitStats(unit: "total")
        total.add(onlyResponse)
        total.add(rated)
        #expect(total.responseRate == 6.0 / 8.0 && total.solvedRate == 0.5)
    }

    @Test("Units with a score rank first, highest first; units without one last, by id")
    func ranking() {
        func row(_ unit: String, claimed: Int, of due: Int) -> UnitStats {
            var stats = UnitStats(unit: unit)
            stats.claimDue = due
            stats.claimedOnTime = claimed
            return stats
        }
        let ranked = UnitStats.ranked(
            [
                row("idle-b", claimed: 0, of: 0), row("low", claimed: 1, of: 4), row("idle-a", claimed: 0, of: 0),
                row("high", claimed: 4, of: 4), row("also-high", claimed: 2, of: 2),
            ],
            weights: StatsWeights()
        )
        #expect(ranked.map(\.unit) == ["also-high", "high", "low", "idle-a", "idle-b"])
    }
}
