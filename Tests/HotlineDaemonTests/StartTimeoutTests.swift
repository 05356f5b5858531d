import Foundation
import HotlineSystemd
import HotlineTesting
import Testing

@Suite("Start-up that takes long")
struct StartTimeoutTests {
    @Test("While the database opens, systemd is asked for more time at every interval, and no more after")
    func extendsWhileWorking() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString)").path
        let listener = try NotifyListener(path: path)
        setenv("NOTIFY_SOCKET", path, 1)
        defer { unsetenv("NOTIFY_SOCKET") }
        let value = SystemdNotifier().extendingStartTimeout(
            status: "migrating",
            every: .milliseconds(100),
            by: .seconds(2)
        ) {
            Thread.sleep(forTimeInterval: 0.45)
            return 42
        }
        #expect(value == 42)
        listener.wait(for: "never sent", timeout: 0.3)  // collect what arrived, and anything late
        let extensions = listener.messages.filter { $0.contains("EXTEND_TIMEOUT_USEC=2000000") }
        #expect(extensions.count >= 3 && extensions.count <= 6, "\(listener.messages)")
        #expect(extensions.allSatisfy { $0.contains("STATUS=migrating") })
    }
}
