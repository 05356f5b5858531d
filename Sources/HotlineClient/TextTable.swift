/// Rows under a header, each column as wide as its widest cell in terminal columns (so that
/// columns line up under Chinese text), numbers aligned right. Cells may carry colour; it is
/// not counted in the width.
public struct TextTable: Sendable {
    /// How a column's cells sit in it.
    public enum Alignment: Sendable {
        /// Text.
        case left
        /// Numbers.
        case right
    }

    /// One column.
    public struct Column: Sendable {
        /// The heading.
        public var title: String
        /// Where the cells sit.
        public var alignment: Alignment
        /// The widest a cell may be before it is cut with `…` (nil: never cut).
        public var maximumWidth: Int?

        /// A column.
        public init(_ title: String, _ alignment: Alignment = .left, maximumWidth: Int? = nil) {
            self.title = title
            self.alignment = alignment
            self.maximumWidth = maximumWidth
        }
    }

    /// The columns.
    public var columns: [Column]
    /// The rows, one cell per column.
    public var rows: [[String]] = []

    /// A table with these columns and no rows.
    public init(columns: [Column]) {
        self.columns = columns
    }

    /// Adds a row (missing cells are empty).
    public mutating func append(_ cells: [String]) {
        rows.append(cells)
    }

    /// The table as lines: the header (bold when styled), then the rows. Two spaces between
    /// columns; no trailing spaces.
    public func render(style: Style = Style(enabled: false)) -> String {
        let cells = rows.map { row in
            columns.indices.map { index -> String in
                let cell = index < row.count ? row[index] : ""
                guard let maximum = columns[index].maximumWidth else { return cell }
                let plain = Style.strip(cell)
                return plain.displayWidth > maximum ? plain.truncated(toWidth: maximum) : cell
            }
        }
        var widths = columns.map(\.title.displayWidth)
        for row in cells {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], Style.strip(cell).displayWidth) }
        }
        func line(_ row: [String]) -> String {
            var parts: [String] = []
            for (index, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - Style.strip(cell).displayWidth)
                let isLast = index == row.count - 1
                switch columns[index].alignment {
                case .left: parts.append(isLast ? cell : cell + padding)
                case .right: parts.append(padding + cell)
                }
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        let header = line(columns.map(\.title))
        return ([style.bold(header)] + cells.map(line)).joined(separator: "\n") + "\n"
    }
}
