import Foundation

/// One Varlink call: `{"method": …, "parameters": {…}, "more": true, "oneway": true}`.
public struct VarlinkCall: Sendable, Hashable {
    /// The fully qualified method, e.g. `org.hotline.Dispatch.Submit`.
    public var method: String
    /// The call's parameters (an empty object when absent).
    public var parameters: [String: JSONValue]
    /// The caller wants a stream of replies.
    public var more: Bool
    /// The caller wants no reply.
    public var oneway: Bool

    /// Creates a call.
    public init(method: String, parameters: [String: JSONValue] = [:], more: Bool = false, oneway: Bool = false) {
        self.method = method
        self.parameters = parameters
        self.more = more
        self.oneway = oneway
    }

    /// The interface part of `method` (everything before the last dot).
    public var interface: String {
        guard let dot = method.lastIndex(of: ".") else { return "" }
        return String(method[..<dot])
    }

    /// The member part of `method` (after the last dot).
    public var member: String {
        guard let dot = method.lastIndex(of: ".") else { return method }
        return String(method[method.index(after: dot)...])
    }

    /// Decodes one message (without its NUL terminator).
    ///
    /// Throws ``VarlinkError`` `InvalidParameter` naming what was wrong: `message` for
    /// invalid UTF-8, malformed JSON or a non-object; `method` for a missing or non-string
    /// method; `parameters`, `more` or `oneway` for a member of the wrong type.
    public init(decoding bytes: some Collection<UInt8>) throws(VarlinkError) {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw .invalidParameter("message", reason: "not valid UTF-8")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw .invalidParameter("message", reason: "not valid JSON (\(error))")
        }
        guard let object = value.objectValue else { throw .invalidParameter("message", reason: "not a JSON object") }
        guard let method = object["method"]?.stringValue, !method.isEmpty else {
            throw .invalidParameter("method", reason: "missing or not a string")
        }
        var parameters: [String: JSONValue] = [:]
        switch object["parameters"] {
        case nil, .null?: break
        case .object(let members)?: parameters = members
        default: throw .invalidParameter("parameters", reason: "not an object")
        }
        func flag(_ name: String) throws(VarlinkError) -> Bool {
            switch object[name] {
            case nil, .null?: return false
            case .bool(let b)?: return b
            default: throw .invalidParameter(name, reason: "not a boolean")
            }
        }
        self.init(method: method, parameters: parameters, more: try flag("more"), oneway: try flag("oneway"))
    }

    /// The message as JSON (without the NUL terminator).
    public func encoded() throws -> [UInt8] {
        var object: [String: JSONValue] = ["method": .string(method)]
        if !parameters.isEmpty { object["parameters"] = .object(parameters) }
        if more { object["more"] = true }
        if oneway { object["oneway"] = true }
        return JSONValue.object(object).serialized
    }
}
