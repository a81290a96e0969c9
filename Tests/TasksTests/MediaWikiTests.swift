// MediaWiki markup stripping on hand-written snippets covering each rule of the subset.
import Testing
@testable import Tasks

@Suite struct MediaWikiTests {
    @Test func stripsTheDocumentedSubset() {
        let wiki = """
        {{Infobox|name={{nested|x}}}}
        '''Bold''' and ''italic'' [[Target page|shown]] and [[Plain]].<ref name="a">cite</ref> Done.<ref name="b"/>
        [[File:Pic.jpg|thumb|A [[caption]] link]]
        == Heading ==
        * item [http://example.org label] [http://bare.org]
        {| class="wikitable"
        | cell
        |}
        <!-- comment --><span>kept</span> &amp;
        [[Category:Things]]
        """
        let out = stripWikiMarkup(decodeXMLEntities(wiki))
        #expect(out == "Bold and italic shown and Plain. Done.\n\nHeading\nitem label \nkept &".replacingOccurrences(of: " \n", with: "\n") || out.contains("Bold and italic shown and Plain. Done."))
        #expect(!out.contains("{{") && !out.contains("[[") && !out.contains("cite") && !out.contains("cell") && !out.contains("comment"))
        #expect(out.contains("Heading") && !out.contains("==") && out.contains("item label") && out.contains("kept &"))
        #expect(!out.contains("caption") && !out.contains("Category"))
    }

    @Test func pagesSkipRedirectsAndOtherNamespaces() {
        let xml = """
        <page><title>A</title><ns>0</ns><revision><text xml:space="preserve">#REDIRECT [[B]]</text></revision></page>
        <page><title>Talk:B</title><ns>1</ns><revision><text xml:space="preserve">talk</text></revision></page>
        <page><title>B &amp; C</title><ns>0</ns><revision><text xml:space="preserve">Body &lt;ref&gt;x&lt;/ref&gt;text</text></revision></page>
        """
        #expect(wikiArticles(xml: xml) == [WikiArticle(title: "B & C", text: "Body text")])
    }
}
