/// How a unit sees the citizen's contact (contract §2): enough to call back, not to collect.
public enum ContactMasking {
    /// `13812345678` → `138****5678`: the first 3 and last 4 characters kept, the rest `*`.
    /// Numbers of 7 characters or fewer are masked whole.
    public static func phone(_ phone: String) -> String {
        let characters = Array(phone)
        guard characters.count > 7 else { return String(repeating: "*", count: characters.count) }
        let hidden = characters.count - 7
        return String(characters.prefix(3)) + String(repeating: "*", count: hidden) + String(characters.suffix(4))
    }

    /// `张三丰` → `张**`: all but the first character replaced by `*`.
    public static func name(_ name: String) -> String {
        guard let first = name.first else { return name }
        return String(first) + String(repeating: "*", count: name.count - 1)
    }

    /// The citizen as a unit sees it.
    public static func citizen(_ citizen: Citizen) -> Citizen {
        Citizen(name: citizen.name.map(name), phone: citizen.phone.map(phone))
    }
}
