import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads `hotlinectl report --format html` back: it must parse as XML (the doctype line
/// aside), and its table cells carry `data-field`/`data-value` under rows with `data-unit`.
public final class ReportFigures: NSObject, XMLParserDelegate {
    /// unit → field → the raw value (empty for a null rate).
    public private(set) var figures: [String: [String: String]] = [:]
    /// How many `<svg>` charts the page holds.
    public private(set) var charts = 0
    /// Every `src` and `href` (a self-contained page has none).
    public private(set) var links: [String] = []
    /// Chart id → how many units it draws (a bar label per unit: `text-anchor="end"`).
    public private(set) var chartRows: [String: Int] = [:]
    /// Hot-spot chart id (`hotspots-district`) → its bars in order, each as key (empty for
    /// none), count, previous and change (empty when there was none before).
    public private(set) var hotspots: [String: [[String]]] = [:]
    private var unit: String?
    private var chart: String?

    /// Parses a report page; throws when it is not well-formed.
    public static func read(_ html: String) throws -> ReportFigures {
        let reader = ReportFigures()
        let parser = XMLParser(data: Data(html.replacingOccurrences(of: "<!DOCTYPE html>\n", with: "").utf8))
        parser.delegate = reader
        guard parser.parse() else {
            throw TestDaemonError.clientFailed(
                "the report is not well-formed XML (line \(parser.lineNumber)): "
                    + (parser.parserError.map { "\($0)" } ?? "?")
            )
        }
        return reader
    }

    public func parser(
        _ parser: XMLParser,
        didStartElement name: String,
        namespaceURI: String?,
        qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if name == "svg" {
            charts += 1
            chart = attributes["id"]
            if let chart { chartRows[chart] = 0 }
        }
        if name == "text", attributes["text-anchor"] == "end", let chart { chartRows[chart, default: 0] += 1 }
        if name == "rect", let chart, chart.hasPrefix("hotspots-"), let key = attributes["data-key"] {
            hotspots[chart, default: []].append([
                key, attributes["data-value"] ?? "?", attributes["data-previous"] ?? "?",
                attributes["data-change"] ?? "?",
            ])
        }
        if name == "script" { links.append("<script>") }
        for key in ["src", "href"] { if let value = attributes[key] { links.append(value) } }
        if name == "tr", let unit = attributes["data-unit"] { self.unit = unit }
        if name == "td", let unit, let field = attributes["data-field"] {
            figures[unit, default: [:]][field] = attributes["data-value"]
        }
    }

    public func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "tr" { unit = nil }
        if name == "svg" { chart = nil }
    }
}
