/// The words of ticket search (contract §9) as index tokens: overlapping character pairs
/// (bigrams), the way Lucene's CJK analyser indexes Chinese, so that a word of two characters
/// and more is found inside any run of letters and digits, with no dictionary.
///
/// A text is split into runs of letters and digits (anything else separates), lower-cased
/// (Latin letters match case-insensitively); each run of two characters or more gives its
/// bigrams. A search word's bigrams find the candidate tickets through the index (which
/// keeps no positions, so each distinct bigram is indexed once); the word itself, as a
/// substring of the text, decides.
public enum SearchTerms {
    /// The runs of letters and digits of `text`, lower-cased, as strings of Unicode scalars.
    /// Scalars rather than characters: grapheme breaking and character properties cost more
    /// than the rest of indexing a ticket, and the CJK ideographs and ASCII that make up
    /// nearly all of a 12345 ticket's text are classified by their code point alone.
    static func runs(_ text: String) -> [[Unicode.Scalar]] {
        var runs: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        current.reserveCapacity(64)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch value {
            case 0x30...0x39, 0x61...0x7A, 0x4E00...0x9FFF, 0x3400...0x4DBF:
                current.append(scalar)  // ASCII digits and lower-case letters, CJK ideographs
                continue
            case 0x41...0x5A:
                current.append(Unicode.Scalar(value + 0x20)!)  // ASCII upper-case letters
                continue
            case 0...0x7F, 0x3000...0x303F, 0xFF00...0xFF0F, 0xFF1A...0xFF20:
                break  // ASCII and CJK punctuation, spaces
            default:
                let properties = scalar.properties
                if properties.isAlphabetic || properties.numericType != nil {
                    if properties.changesWhenLowercased {
                        current.append(contentsOf: properties.lowercaseMapping.unicodeScalars)
                    } else {
                        current.append(scalar)
                    }
                    continue
                }
            }
            if !current.isEmpty {
                runs.append(current)
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// The bigrams of one run.
    static func bigrams(_ run: [Unicode.Scalar]) -> [String] {
        guard run.count >= 2 else { return [] }
        return (0..<(run.count - 1)).map { index in
            var pair = String.UnicodeScalarView()
            pair.append(run[index])
            pair.append(run[index + 1])
            return String(pair)
        }
    }

    /// The tokens that index `fields` (title, content, address, result…): each distinct
    /// bigram once, in order of first appearance, as one text of space-separated tokens.
    /// Pairs are told apart as two code points packed in one integer, so that a repeated pair
    /// (the usual case in Chinese text) costs a hash of eight bytes and no string.
    public static func indexText(_ fields: [String?]) -> String {
        var seen: Set<UInt64> = []
        var tokens = String.UnicodeScalarView()
        for field in fields.compactMap({ $0 }) {
            for run in runs(field) where run.count >= 2 {
                for index in 0..<(run.count - 1) {
                    let first = run[index]
                    let second = run[index + 1]
                    guard seen.insert(UInt64(first.value) << 32 | UInt64(second.value)).inserted else { continue }
                    if !tokens.isEmpty { tokens.append(" ") }
                    tokens.append(first)
                    tokens.append(second)
                }
            }
        }
        return String(tokens)
    }

    /// The runs of two characters or more that `text`'s words (separated by spaces) must
    /// contain, lower-cased; nil when a word has none (a word of one character), or there is
    /// no word.
    public static func words(_ text: String) -> [String]? {
        var found: [String] = []
        for word in text.split(whereSeparator: \.isWhitespace) {
            let wordRuns = runs(String(word)).filter { $0.count >= 2 }
            guard !wordRuns.isEmpty else { return nil }
            found += wordRuns.map { String(String.UnicodeScalarView($0)) }
        }
        return found.isEmpty ? nil : found
    }

    /// The full-text query for ``words(_:)``: every bigram of every word, each once. The index
    /// keeps no positions (it is far smaller and cheaper to write), so this finds the tickets
    /// that hold every pair; the store then keeps those whose text holds each word itself.
    public static func query(words: [String]) -> String {
        pairs(words: words).map { "\"" + $0 + "\"" }.joined(separator: " AND ")
    }

    /// Every bigram of every word of ``words(_:)``, each once, in order: the tokens a match
    /// must hold (for a store that keeps tokens as a list rather than a full-text query).
    public static func pairs(words: [String]) -> [String] {
        var seen: Set<String> = []
        return words.flatMap { bigrams(Array($0.unicodeScalars)) }.filter { seen.insert($0).inserted }
    }

    /// The full-text query for `text`; nil as for ``words(_:)``.
    public static func query(_ text: String) -> String? {
        words(text).map { query(words: $0) }
    }
}
