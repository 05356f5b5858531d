import Foundation

/// One Varlink reply: parameters, or an error with its parameters.
public struct VarlinkReply: Sendable, Hashable {
    /// The reply's parameters (or the error's).
    public var parameters: [String: JSONValue]
    /// The error's fully qualified name, nil for a successful reply.
    public var error: String?
    /// More replies follow (streaming calls).
    public var continues: Bool

    /// A successful reply.
    public init(parameters: [String: JSONValue], continues: Bool = false) {
        self.parameters = parameters
        self.error = nil
        self.continues = continues
    }

    /// An error reply.
    public init(error: VarlinkError) {
        self.parameters = error.parameters
        self.error = error.name
        self.continues = false
    }

    /// The reply as JSON followed by the NUL terminator.
    public func framed() throws -> [UInt8] {
        var object: [String: JSONValue] = ["parameters": .object(parameters)]
        if let error { object["error"] = .string(error) }
        if continues { object["continues"] = true }
        var bytes = JSONValue.object(object).serialized
        bytes.append(0)
        return bytes
    }

    /// Decodes a reply message (without its NUL terminator).
    public init(decoding bytes: some Collection<UInt8>) throws {
        let value = try JSONParser.parse(bytes)
        guard let object = value.objectValue else {
            throw VarlinkError.invalidParameter("message", reason: "not a JSON object")
        }
        self.parameters = object["parameters"]?.objectValue ?? [:]
        self.error = object["error"]?.stringValue
        self.continues = object["continues"]?.boolValue ?? false
    }
}
