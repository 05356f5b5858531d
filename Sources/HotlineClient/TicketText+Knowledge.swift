import Foundation
import Varlink

extension TicketText {
    /// `knowledge show`: the entry's fields, its body, then its earlier versions.
    public func entry(_ entry: JSONValue, versions: [JSONValue]) -> String {
        func value(_ key: String) -> String? {
            guard let v = entry[key], v != .null else { return nil }
            return v.plainText
        }
        var lines: [(String, String)] = []
        var state = "in force"
        if entry["retired"]?.boolValue == true {
            state = style.red("retired")
        } else if let until = value("validUntil"), let date = RFC3339.parse(until), date <= now {
            state = style.red("expired")
        }
        lines.append(("entry", "\(value("id") ?? "?")  version \(value("version") ?? "?")  \(state)"))
        lines.append(("title", value("title") ?? ""))
        if let category = value("category") { lines.append(("category", category)) }
        if let keywords = entry["keywords"]?.arrayValue, !keywords.isEmpty {
            lines.append(("keywords", keywords.compactMap(\.stringValue).joined(separator: "; ")))
        }
        lines.append(("uses", value("uses") ?? "0"))
        if let until = value("validUntil") { lines.append(("valid until", TimeText.local(until))) }
        lines.append(("added", TimeText.local(value("createdAt") ?? "")))
        lines.append(("changed", "\(TimeText.local(value("updatedAt") ?? ""))  by uid \(value("updatedBy") ?? "?")"))
        let labelWidth = lines.map(\.0.displayWidth).max() ?? 0
        var text =
            lines.map { label, value in
                style.dim(label + String(repeating: " ", count: labelWidth - label.displayWidth)) + "  " + value
            }.joined(separator: "\n") + "\n"
        text += "\n" + (entry["body"]?.stringValue ?? "") + "\n"
        guard !versions.isEmpty else { return text }
        var table = TextTable(columns: [
            .init("VERSION", .right), .init("CHANGED"), .init("BY", .right), .init("USES", .right), .init("STATE"),
            .init("TITLE", maximumWidth: 40),
        ])
        for version in versions {
            table.append([
                version["version"]?.plainText ?? "?", TimeText.local(version["updatedAt"]?.stringValue ?? ""),
                version["updatedBy"]?.plainText ?? "?", version["uses"]?.plainText ?? "0",
                version["retired"]?.boolValue == true ? "retired" : "", version["title"]?.stringValue ?? "",
            ])
        }
        return text + "\nearlier versions\n" + table.render(style: style)
    }

    /// `knowledge search`: id, title, category, uses and a line of the body around the first
    /// word found, the whole row fitting in `width` terminal columns (Chinese text counted
    /// two columns a character, so the columns line up).
    public func entries(_ entries: [JSONValue], total: JSONValue?, words: [String], width: Int) -> String {
        let titleWidth = 30
        let categoryWidth = 12
        var table = TextTable(columns: [
            .init("ID"), .init("TITLE", maximumWidth: titleWidth), .init("CATEGORY", maximumWidth: categoryWidth),
            .init("USES", .right), .init("EXCERPT"),
        ])
        var rows: [[String]] = []
        for entry in entries {
            var title = entry["title"]?.stringValue ?? ""
            if entry["retired"]?.boolValue == true { title = "(retired) " + title }
            rows.append([
                entry["id"]?.stringValue ?? "?", title, entry["category"]?.stringValue ?? "-",
                entry["uses"]?.plainText ?? "0", entry["body"]?.stringValue ?? "",
            ])
        }
        // The columns before the excerpt, as the table will draw them, and two spaces each.
        var used = 0
        for (index, limit) in [(0, Int.max), (1, titleWidth), (2, categoryWidth), (3, Int.max)] {
            let widest = rows.map { min(limit, $0[index].displayWidth) }.max() ?? 0
            used += max(table.columns[index].title.displayWidth, widest) + 2
        }
        let excerptWidth = max(16, width - used)
        for row in rows {
            var cells = row
            cells[4] = Self.excerpt(of: row[4], around: words, width: excerptWidth)
            table.append(cells)
        }
        return table.render(style: style) + "\(total?.plainText ?? "0") found\n"
    }

    /// One line of `text` (white space run together) that shows the first of `words` found in
    /// it, at most `width` columns: the match a little way in, `…` where text was cut.
    public static func excerpt(of text: String, around words: [String], width: Int) -> String {
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard flat.displayWidth > width else { return flat }
        let lowered = flat.lowercased()
        let match = words.compactMap { word in lowered.range(of: word.lowercased()) }.min {
            $0.lowerBound < $1.lowerBound
        }
        guard let match, lowered.count == flat.count else { return flat.truncated(toWidth: width) }
        let offset = lowered.distance(from: lowered.startIndex, to: match.lowerBound)
        var start = flat.index(flat.startIndex, offsetBy: offset)
        // Keep about a quarter of the line before the match.
        var before = 0
        while start > flat.startIndex {
            let previous = flat.index(before: start)
            let w = DisplayWidth.of(String(flat[previous]))
            if before + w > width / 4 { break }
            before += w
            start = previous
        }
        guard start > flat.startIndex else { return flat.truncated(toWidth: width) }
        return ("…" + flat[start...]).truncated(toWidth: width)
    }
}
