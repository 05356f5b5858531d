import Foundation

/// Typed access to a call's parameters; every failure is `InvalidParameter` naming the
/// parameter (contract §1: missing, wrong type, out of range, unknown enum value).
public struct ParameterReader: Sendable {
    /// The raw parameters.
    public let parameters: [String: JSONValue]

    /// Wraps a call's parameters, refusing any not in `allowed`.
    public init(_ parameters: [String: JSONValue], allowed: Set<String>) throws(VarlinkError) {
        for key in parameters.keys.sorted() where !allowed.contains(key) {
            throw .invalidParameter(key, reason: "unknown parameter")
        }
        self.parameters = parameters
    }

    private func value(_ name: String) -> JSONValue? {
        switch parameters[name] {
        case nil, .null?: nil
        case let value?: value
        }
    }

    /// A required string of at most `maxLength` characters; `nonEmpty` refuses blank text.
    public func string(_ name: String, maxLength: Int = 100_000, nonEmpty: Bool = true) throws(VarlinkError) -> String {
        guard let value = try optionalString(name, maxLength: maxLength) else {
            throw .invalidParameter(name, reason: "missing")
        }
        if nonEmpty, value.allSatisfy(\.isWhitespace) { throw .invalidParameter(name, reason: "must not be empty") }
        return value
    }

    /// An optional string of at most `maxLength` characters.
    public func optionalString(_ name: String, maxLength: Int = 100_000) throws(VarlinkError) -> String? {
        guard let value = value(name) else { return nil }
        guard let string = value.stringValue else { throw .invalidParameter(name, reason: "not a string") }
        guard string.count <= maxLength else {
            throw .invalidParameter(name, reason: "longer than \(maxLength) characters")
        }
        guard !string.unicodeScalars.contains(where: { $0.value == 0 }) else {
            throw .invalidParameter(name, reason: "contains a NUL character")
        }
        return string
    }

    /// A required boolean.
    public func bool(_ name: String) throws(VarlinkError) -> Bool {
        guard let value = try optionalBool(name) else { throw .invalidParameter(name, reason: "missing") }
        return value
    }

    /// An optional boolean.
    public func optionalBool(_ name: String) throws(VarlinkError) -> Bool? {
        guard let value = value(name) else { return nil }
        guard let bool = value.boolValue else { throw .invalidParameter(name, reason: "not a boolean") }
        return bool
    }

    /// An optional integer within `range`.
    public func optionalInt(_ name: String, in range: ClosedRange<Int>) throws(VarlinkError) -> Int? {
        guard let value = value(name) else { return nil }
        guard let int = value.intValue else { throw .invalidParameter(name, reason: "not an integer") }
        guard int >= range.lowerBound, int <= range.upperBound else {
            throw .invalidParameter(name, reason: "out of range \(range.lowerBound)…\(range.upperBound)")
        }
        return Int(int)
    }

    /// A required enum value given by its string.
    public func enumValue<T: RawRepresentable<String> & CaseIterable>(
        _ name: String,
        as type: T.Type = T.self
    ) throws(VarlinkError) -> T {
        guard let value = try optionalEnum(name, as: type) else { throw .invalidParameter(name, reason: "missing") }
        return value
    }

    /// An optional enum value given by its string.
    public func optionalEnum<T: RawRepresentable<String> & CaseIterable>(
        _ name: String,
        as type: T.Type = T.self
    ) throws(VarlinkError) -> T? {
        guard let raw = try optionalString(name, maxLength: 100) else { return nil }
        guard let value = T(rawValue: raw) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidParameter(name, reason: "unknown value \(raw); one of \(allowed)")
        }
        return value
    }

    /// A required RFC 3339 time with an offset.
    public func date(_ name: String) throws(VarlinkError) -> Date {
        guard let value = try optionalDate(name) else { throw .invalidParameter(name, reason: "missing") }
        return value
    }

    /// An optional RFC 3339 time with an offset.
    public func optionalDate(_ name: String) throws(VarlinkError) -> Date? {
        guard let text = try optionalString(name, maxLength: 64) else { return nil }
        guard let date = RFC3339.parse(text) else {
            throw .invalidParameter(name, reason: "not an RFC 3339 time with an offset, e.g. 2026-11-29T09:30:00+08:00")
        }
        return date
    }

    /// An optional array of strings, each at most `maxLength` characters, at most `maxCount` of them.
    public func optionalStrings(
        _ name: String,
        maxLength: Int = 200,
        maxCount: Int = 100
    ) throws(VarlinkError) -> [String]? {
        guard let value = value(name) else { return nil }
        guard let array = value.arrayValue else { throw .invalidParameter(name, reason: "not an array") }
        guard array.count <= maxCount else { throw .invalidParameter(name, reason: "more than \(maxCount) elements") }
        var strings: [String] = []
        for element in array {
            guard let string = element.stringValue, string.count <= maxLength, !string.isEmpty else {
                throw .invalidParameter(
                    name,
                    reason: "elements must be non-empty strings of at most \(maxLength) characters"
                )
            }
            strings.append(string)
        }
        return strings
    }

    /// An optional object whose members may only be `allowed`, read with a nested reader.
    public func optionalObject(_ name: String, allowed: Set<String>) throws(VarlinkError) -> ParameterReader? {
        guard let value = value(name) else { return nil }
        guard let object = value.objectValue else { throw .invalidParameter(name, reason: "not an object") }
        do {
            return try ParameterReader(object, allowed: allowed)
        } catch {
            let inner = error.parameters["parameter"]?.stringValue ?? "?"
            throw .invalidParameter("\(name).\(inner)", reason: "unknown parameter")
        }
    }
}
