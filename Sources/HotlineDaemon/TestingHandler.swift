import HotlineCore
import HotlineProtocol
import Logging
import Varlink

/// `org.hotline.Testing`, served only on the manual clock: `SetTime` moves the clock and runs
/// the SLA sweep up to the new time before it answers.
struct TestingHandler: InterfaceHandler {
    let name = TestingInterface.name
    let description = TestingInterface.description

    let clock: DaemonClock
    let sweeper: Sweeper
    let configuration: ConfigurationBox
    let logger: Logger

    func answer(_ call: VarlinkCall, from caller: Caller) async throws -> [String: JSONValue] {
        guard call.member == "SetTime" else { throw VarlinkError.methodNotFound(call.method) }
        try caller.require(.setTime)
        let now = try ParameterReader(call.parameters, allowed: ["now"]).date("now")
        clock.set(now)
        logger.notice(
            "manual clock set",
            metadata: ["now": "\(RFC3339.format(now, in: configuration.current.calendar.timeZone))"]
        )
        try await sweeper.sweep(at: now)
        return [:]
    }
}
