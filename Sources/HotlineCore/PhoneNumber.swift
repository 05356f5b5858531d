/// Phone numbers as search compares them (contract §9 `phone`): digits only, a leading
/// `86` / `0086` country code dropped, so `+86 138-1234-5678` is `13812345678`.
public enum PhoneNumber {
    /// The number's digits without separators or the country code; nil when it has none.
    public static func digits(_ text: String) -> String? {
        var digits = String(text.filter(\.isASCII).filter(\.isNumber))
        if digits.hasPrefix("0086") {
            digits.removeFirst(4)
        } else if digits.hasPrefix("86"), digits.count == 13 {
            digits.removeFirst(2)
        }
        return digits.isEmpty ? nil : digits
    }

    /// The same normalisation as an SQL expression over `column`, for an index on it. Stored
    /// phones hold only digits, spaces, `+` and `-` (Submit refuses anything else).
    public static func sqlDigits(_ column: String) -> String {
        let bare = "replace(replace(replace(\(column), ' ', ''), '-', ''), '+', '')"
        return "(CASE WHEN \(bare) LIKE '0086%' THEN substr(\(bare), 5) "
            + "WHEN \(bare) LIKE '86%' AND length(\(bare)) = 13 THEN substr(\(bare), 3) ELSE \(bare) END)"
    }
}
