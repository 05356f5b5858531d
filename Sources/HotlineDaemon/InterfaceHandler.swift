import HotlineCore
import Varlink

/// The methods of one Varlink interface the daemon serves: each handler decodes its calls'
/// parameters, checks the caller's role and answers. ``CallHandler`` routes a call to the
/// handler of its interface and turns what it throws into an error reply.
protocol InterfaceHandler: Sendable {
    /// The interface's name (`org.hotline.Dispatch`).
    var name: String { get }
    /// The interface's IDL, as `GetInterfaceDescription` returns it.
    var description: String { get }
    /// The reply parameters of `call` from `caller`; throws a `VarlinkError` or a
    /// `HotlineError` for a refusal, anything else for a storage failure.
    func answer(_ call: VarlinkCall, from caller: Caller) async throws -> [String: JSONValue]
}

extension Caller {
    /// Refuses with `PermissionDenied` unless this caller's role may do `operation`.
    func require(_ operation: HotlineOperation) throws(VarlinkError) {
        guard role.may(operation) else { throw .permissionDenied }
    }
}
