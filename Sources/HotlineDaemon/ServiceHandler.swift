import HotlineCore
import HotlineProtocol
import Varlink

/// `org.varlink.service`: what the daemon is and which interfaces it serves, with their IDL.
struct ServiceHandler: InterfaceHandler {
    let name = ServiceInterface.name
    let description = ServiceInterface.description

    /// The names and IDL of the other interfaces served, in the order `GetInfo` lists them.
    let served: [(name: String, description: String)]

    /// Every interface served, this one first.
    var interfaces: [String] { [name] + served.map(\.name) }

    func answer(_ call: VarlinkCall, from caller: Caller) async throws -> [String: JSONValue] {
        switch call.member {
        case "GetInfo":
            _ = try ParameterReader(call.parameters, allowed: [])
            return [
                "vendor": "hotline", "product": "hotlined", "version": .string(HotlineVersion.current),
                "url": "https://hotline.invalid/", "interfaces": .array(interfaces.map(JSONValue.string)),
            ]
        case "GetInterfaceDescription":
            let wanted = try ParameterReader(call.parameters, allowed: ["interface"]).string(
                "interface",
                maxLength: 200
            )
            if wanted == name { return ["description": .string(description)] }
            guard let text = served.first(where: { $0.name == wanted })?.description else {
                throw VarlinkError.interfaceNotFound(wanted)
            }
            return ["description": .string(text)]
        default:
            throw VarlinkError.methodNotFound(call.method)
        }
    }
}
