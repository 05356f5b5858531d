/// A Varlink error reply: a fully qualified name and its parameters.
///
/// The standard errors of `org.varlink.service` are static members; interface errors are
/// built by the interface's own mapping.
public struct VarlinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error's fully qualified name, e.g. `org.varlink.service.InvalidParameter`.
    public var name: String
    /// The error's parameters.
    public var parameters: [String: JSONValue]
    /// A sentence for logs; never sent (Varlink errors carry only their declared fields).
    public var reason: String

    /// Creates an error.
    public init(name: String, parameters: [String: JSONValue] = [:], reason: String = "") {
        self.name = name
        self.parameters = parameters
        self.reason = reason
    }

    /// The interface's name part, without the error.
    public var shortName: String {
        name.split(separator: ".").last.map(String.init) ?? name
    }

    /// `org.varlink.service.MethodNotFound {method}`: check the method name and the interface.
    public static func methodNotFound(_ method: String) -> VarlinkError {
        VarlinkError(
            name: "org.varlink.service.MethodNotFound",
            parameters: ["method": .string(method)],
            reason: "no method \(method)"
        )
    }

    /// `org.varlink.service.InterfaceNotFound {interface}`: GetInfo lists the interfaces.
    public static func interfaceNotFound(_ interface: String) -> VarlinkError {
        VarlinkError(
            name: "org.varlink.service.InterfaceNotFound",
            parameters: ["interface": .string(interface)],
            reason: "no interface \(interface)"
        )
    }

    /// `org.varlink.service.InvalidParameter {parameter}`: fix the named parameter.
    public static func invalidParameter(_ parameter: String, reason: String) -> VarlinkError {
        VarlinkError(
            name: "org.varlink.service.InvalidParameter",
            parameters: ["parameter": .string(parameter)],
            reason: "\(parameter): \(reason)"
        )
    }

    /// `org.varlink.service.PermissionDenied`: the caller's uid and groups do not allow this.
    public static let permissionDenied = VarlinkError(
        name: "org.varlink.service.PermissionDenied",
        reason: "permission denied"
    )

    /// `org.varlink.service.MethodNotImplemented {method}`: e.g. `more` on a method that does not stream.
    public static func methodNotImplemented(_ method: String) -> VarlinkError {
        VarlinkError(
            name: "org.varlink.service.MethodNotImplemented",
            parameters: ["method": .string(method)],
            reason: "\(method) does not support this call form"
        )
    }

    /// A sentence for logs.
    public var description: String {
        reason.isEmpty ? name : "\(name): \(reason)"
    }
}
