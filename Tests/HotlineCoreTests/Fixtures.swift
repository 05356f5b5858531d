import Foundation

@testable import HotlineCore

/// The official 2026 schedule (国务院办公厅, 2025-11-04) as a calendar in Asia/Shanghai.
let official2026: WorkCalendar = {
    var holidays: [String] = ["2026-01-01", "2026-01-02", "2026-01-03"]
    holidays += (15...23).map { "2026-02-\($0)" }
    holidays += ["2026-04-04", "2026-04-05", "2026-04-06"]
    holidays += (1...5).map { "2026-05-0\($0)" }
    holidays += ["2026-06-19", "2026-06-20", "2026-06-21", "2026-09-25", "2026-09-26", "2026-09-27"]
    holidays += (1...7).map { "2026-10-0\($0)" }
    let workdays = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
    return WorkCalendar(
        years: [2026],
        holidays: Set(holidays.compactMap(LocalDate.init)),
        workdays: Set(workdays.compactMap(LocalDate.init))
    )
}()

/// `2026-09-30 10:00` in Shanghai, for example.
func shanghai(_ text: String) -> Date {
    // "YYYY-MM-DD HH:MM"
    let parts = text.split(separator: " ")
    let date = LocalDate(String(parts[0]))!
    let time = TimeOfDay(String(parts[1]))!
    return official2026.instant(on: date, at: time)
}

/// A configuration with three units and two routes, on the official calendar.
let testConfiguration: HotlineConfiguration = {
    var config = HotlineConfiguration()
    config.calendar = official2026
    config.units = [
        HandlingUnit(id: "water", name: "市水务集团"), HandlingUnit(id: "power", name: "供电公司"),
        HandlingUnit(id: "gas", name: "燃气公司"),
    ]
    config.router = Router(routes: [
        Route(unit: "water", keywords: ["停水"], coUnits: ["gas"]),
        Route(unit: "power", category: "power", resolve: .hours(24), claim: .hours(1)),
    ])
    return config
}()

let operatorCaller = Caller(credentials: PeerCredentials(uid: 1001, gid: 1001), role: .operator)
let supervisorCaller = Caller(credentials: PeerCredentials(uid: 1002, gid: 1002), role: .supervisor)
let waterCaller = Caller(credentials: PeerCredentials(uid: 2001, gid: 2001), role: .unit("water"))
let gasCaller = Caller(credentials: PeerCredentials(uid: 2003, gid: 2003), role: .unit("gas"))
let powerCaller = Caller(credentials: PeerCredentials(uid: 2002, gid: 2002), role: .unit("power"))
let strangerCaller = Caller(credentials: PeerCredentials(uid: 3999, gid: 3999), role: .none)
