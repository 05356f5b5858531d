import Foundation

/// Finds the line of a key in TOML text, since the parser does not keep the positions of
/// values. Good for the common layouts (`[table]`, `[[array]]`, `key = value`, inline tables).
struct TOMLLineLocator {
    private let lines: [String]

    init(text: String) {
        lines = text.components(separatedBy: "\n")
    }

    /// The 1-based line of `key` inside table `table` (nil for the root), in the `index`-th
    /// entry of an array of tables; falls back to the table header's line.
    func line(table: String?, index: Int? = nil, key: String?) -> Int? {
        var current: String?
        var currentIndex: Int?
        var arrayCounts: [String: Int] = [:]
        var headerLine: Int?
        for (number, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[[") {
                let name = line.dropFirst(2).prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
                current = name
                currentIndex = arrayCounts[name, default: 0]
                arrayCounts[name, default: 0] += 1
                if name == table && currentIndex == index { headerLine = number + 1 }
                continue
            }
            if line.hasPrefix("[") {
                current = line.dropFirst().prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
                currentIndex = nil
                if current == table && index == nil { headerLine = number + 1 }
                continue
            }
            guard current == table, currentIndex == index, let key else { continue }
            let keyPart = line.prefix { $0 != "=" }.trimmingCharacters(in: .whitespaces)
                .replacingOccurrences(of: "\"", with: "")
            if keyPart == key || keyPart.hasSuffix("." + key) { return number + 1 }
        }
        return headerLine
    }
}
