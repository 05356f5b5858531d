import Foundation
import HotlineTesting
import Testing
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// Running clients under other uids with setpriv needs root (as CI runs).
let isRoot = getuid() == 0

extension VarlinkReply {
    /// The error's short name (`NoSuchTicket`), nil for success.
    var errorName: String? { error.map { String($0.split(separator: ".").last!) } }
}

/// Submits a ticket as root and returns its id.
@discardableResult
func submit(
    _ daemon: TestDaemon,
    _ submissionId: String,
    content: String = "小区停水三天了",
    extra: [String: JSONValue] = [:]
) throws -> String {
    var parameters: [String: JSONValue] = [
        "channel": "hotline", "submissionId": .string(submissionId), "content": .string(content),
        "citizen": ["name": "张三丰", "phone": "13812345678"],
    ]
    parameters.merge(extra) { _, new in new }
    let reply = try daemon.call("org.hotline.Dispatch.Submit", parameters)
    guard reply.error == nil, let id = reply.parameters["ticket"]?["id"]?.stringValue else {
        throw TestDaemonError.clientFailed("Submit failed: \(reply)")
    }
    return id
}

/// A running daemon for one test.
func startedDaemon(config: String = TestDaemon.standardConfig) throws -> TestDaemon {
    let daemon = try TestDaemon(config: config)
    try daemon.start()
    return daemon
}
