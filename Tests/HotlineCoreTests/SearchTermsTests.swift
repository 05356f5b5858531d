import Testing

@testable import HotlineCore

@Suite("Search words as bigram phrases, and phone numbers compared on digits (contract §9)")
struct SearchTermsTests {
    @Test("Runs of letters and digits give their distinct bigrams, lower-cased, none across a separator")
    func indexText() {
        #expect(SearchTerms.indexText(["停水三天", nil, "Apple，a"]) == "停水 水三 三天 ap pp pl le")
        #expect(SearchTerms.indexText(["停停停", "又停停"]) == "停停 又停")
        #expect(SearchTerms.indexText(["水", ""]) == "")
    }

    @Test("A query holds every bigram of every word once; a word of one character is refused")
    func query() {
        #expect(SearchTerms.query("停水") == "\"停水\"")
        #expect(SearchTerms.query("停水了  APP 停水") == "\"停水\" AND \"水了\" AND \"ap\" AND \"pp\"")
        #expect(SearchTerms.words("停水了  APP") == ["停水了", "app"])
        #expect(SearchTerms.query("停水 水") == nil)
        #expect(SearchTerms.query("   ") == nil)
    }

    @Test(
        "Phones: digits only, +86 / 0086 dropped",
        arguments: [
            ("+86 138-1234-5678", "13812345678"), ("13812345678", "13812345678"), ("0086 138 1234 5678", "13812345678"),
            ("8613812345678", "13812345678"), ("0730-8223344", "07308223344"), ("86123", "86123"),
        ]
    )
    func phones(_ input: String, _ expected: String) {
        #expect(PhoneNumber.digits(input) == expected)
    }
}
