import Foundation
import Testing

@testable import Varlink

@Suite("RFC 3339 times")
struct RFC3339Tests {
    @Test(
        "The hand-written format agrees with Foundation's ISO 8601 style in every kind of zone, to the stored millisecond"
    )
    func formatMatchesFoundation() {
        let zones = ["Asia/Shanghai", "UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns"]
            .compactMap(TimeZone.init(identifier:))
        #expect(zones.count == 6)
        var generator = SystemRandomNumberGenerator()
        // 29 February 2000, the last millisecond of 2099, and whole milliseconds from 1970 to 2100
        // as the store keeps them (Foundation's own fraction is off by one for instants before
        // 1970, which no ticket has).
        var instants: [Date] = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400),
            Date(timeIntervalSince1970: 4_102_444_799.999),
        ]
        for _ in 0..<2000 {
            let millis = Int64.random(in: 0...4_102_444_800_000, using: &generator)
            instants.append(Date(timeIntervalSince1970: TimeInterval(millis) / 1000))
        }
        for zone in zones {
            for instant in instants {
                // Foundation for the date, time and offset; the milliseconds are the stored ones
                // (Foundation truncates the binary fraction and sometimes writes one less).
                let millis = Int64((instant.timeIntervalSince1970 * 1000).rounded())
                var expected = Date.ISO8601FormatStyle(timeZoneSeparator: .colon, timeZone: zone).format(instant)
                if millis % 1000 != 0 {
                    let offsetStart = expected.index(expected.startIndex, offsetBy: 19)
                    expected.insert(contentsOf: "." + String(String(millis % 1000 + 1000).dropFirst()), at: offsetStart)
                }
                let ours = RFC3339.format(instant, in: zone)
                #expect(ours == expected, "\(millis) ms in \(zone.identifier)")
                if ours != expected { return }
            }
        }
    }

    @Test("Every millisecond parses to itself; digits past the millisecond are cut off, not rounded")
    func parseKeepsTheMillisecond() throws {
        for second: Int64 in [946_684_800, 1_780_246_800, 1_790_000_000, 4_102_444_799] {
            let base = try #require(
                RFC3339.parse(
                    RFC3339.format(Date(timeIntervalSince1970: TimeInterval(second)), in: TimeZone(identifier: "UTC")!)
                )
            )
            #expect(base.timeIntervalSince1970 == TimeInterval(second))
            let prefix = RFC3339.format(base, in: TimeZone(identifier: "UTC")!).dropLast()  // without the "Z"
            for millis: Int64 in 0..<1000 {
                let text = prefix + "." + String(String(millis + 1000).dropFirst()) + "Z"
                let parsed = try #require(RFC3339.parse(String(text)))
                #expect(
                    Int64((parsed.timeIntervalSince1970 * 1000).rounded(.down)) == second * 1000 + millis,
                    "\(text)"
                )
            }
        }
        let shanghai = try #require(RFC3339.parse("2026-09-30T17:30:00.0029+08:00"))
        #expect(shanghai == RFC3339.parse("2026-09-30T09:30:00.002Z"))
        #expect(
            RFC3339.parse("2026-09-30T17:30:00.5+08:00")?.timeIntervalSince1970 == RFC3339.parse(
                "2026-09-30T09:30:00Z"
            )!.timeIntervalSince1970 + 0.5
        )
        #expect(RFC3339.parse("2026-09-30T17:30:00.+08:00") == nil)
    }
}
