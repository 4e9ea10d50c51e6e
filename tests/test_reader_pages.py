"""The reader's inline marks (defined terms, cross-references), the obligations page, the
search page's grouping by article, and what every page offers the keyboard, without a
browser (tests/test_browser.py drives the same pages in chromium).

The corpus pages come from the session's ``real_client``; the marks that the corpus
does not exercise (a definition without a concept, a reference to a treaty the
knowledge base holds, a reference the page cannot link) are rendered from a hand-built
treaty through the app's own Jinja setup."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import Environment, FileSystemLoader
from litestar.testing import TestClient
from lxml import html as lxml_html

from ingest.model import Definition, Place, Reference, Span, Target, Treaty
from tests.kb_samples import make_treaty

TM = "2017-kupiia-akparatty-ozara-korgau"
"""The Kazakhstan–Turkmenistan agreement: definitions in article 1 (points), internal
references to articles and to a paragraph."""


def get_page(client: TestClient, url: str, params: Any = None, status: int = 200) -> lxml_html.HtmlElement:
    r = client.get(url, params=params)
    assert r.status_code == status, (url, params, r.text[:500])
    assert r.headers["content-type"].startswith("text/html")
    return lxml_html.fromstring(r.text)


def term_links(doc: lxml_html.HtmlElement, within: str = "//main") -> list[lxml_html.HtmlElement]:
    return doc.xpath(f'{within}//span[@class="term"]/a')


# -- defined terms -----------------------------------------------------------------------------


def test_a_defined_term_is_marked_in_its_inflected_forms_linking_to_its_concept(real_client: TestClient) -> None:
    doc = get_page(real_client, f"/treaties/{TM}")
    links = term_links(doc)
    by_text = {a.text_content(): a for a in links}
    # "құпия ақпарат" is defined in article 1; used as -қа, -ты, -пен …
    inflected = [t for t, a in by_text.items() if a.get("href") == "/concepts/classified-information" and t.lower() != "құпия ақпарат"]
    assert {"құпия ақпаратқа", "құпия ақпаратты"} & {t.lower() for t in inflected}, inflected
    for a in links:
        tip_id = a.get("aria-describedby")
        (tip,) = doc.xpath(f'//*[@id="{tip_id}"]')
        assert tip.get("role") == "tooltip" and tip.get("class") == "tip"
        assert a.get("title") == tip.text_content() and ": " in a.get("title")  # "term: definition"
        assert a.getparent() is tip.getparent()  # the tooltip shows on the term's :hover and :focus-within
    assert len({a.get("aria-describedby") for a in links}) == len(links)  # ids unique
    # the longest term wins where two start at one word
    assert by_text["құпия ақпаратқа қол жеткізу"].get("href") == "/concepts/access-to-classified-information"


def test_the_defining_instance_is_a_dfn_and_a_term_is_not_linked_inside_its_own_definition(real_client: TestClient) -> None:
    doc = get_page(real_client, f"/treaties/{TM}")
    points = doc.xpath('//section[@id="art-1"]//div[contains(@class, "point")]')
    assert len(points) == 11
    for point in points:
        (dfn,) = point.xpath(".//dfn")
        defined = dfn.text_content()
        assert dfn.get("title", "").startswith(f"{defined}: ")
        # other terms may be linked in a definition, never the one it defines
        assert all(a.get("title", "").split(":")[0] != defined for a in term_links(point, "."))
    # a term used inside another term's definition is linked (point 2 uses "құпия ақпарат")
    assert [a.get("href") for a in term_links(points[1], ".")] == ["/concepts/classified-information"]


def test_a_term_is_marked_once_per_paragraph(real_client: TestClient) -> None:
    doc = get_page(real_client, f"/treaties/{TM}")
    paragraphs = doc.xpath('//section[starts-with(@id, "art-")]//div[contains(@class, "paragraph")]')
    assert paragraphs
    marked = 0
    for p in paragraphs:
        defined = [a.get("title").split(":")[0] for a in term_links(p, ".")]
        assert len(defined) == len(set(defined)), defined
        marked += len(defined)
    assert marked >= 30


def test_terms_are_not_marked_outside_the_articles(real_client: TestClient) -> None:
    doc = get_page(real_client, f"/treaties/{TM}")
    for part in ("preamble", "closing", "signatures", "approval"):
        for element in doc.xpath(f'//*[contains(@class, "{part}")]'):
            assert not term_links(element, "."), part


# -- cross-references --------------------------------------------------------------------------


def test_internal_references_link_to_their_article_or_paragraph(real_client: TestClient) -> None:
    doc = get_page(real_client, f"/treaties/{TM}")
    refs = {a.text_content(): a.get("href") for a in doc.xpath('//main//a[@class="ref"]')}
    assert refs["осы Келісімнің 2-бабына"] == "#art-2"
    assert refs["осы Келісімнің 4-бабының 2-тармағында"] == "#art-4-p2"
    assert refs["Осы баптың 4-тармағында"] == "#art-5-p4"  # "this article" is the citing one
    for href in refs.values():
        assert doc.xpath(f'//*[@id="{href[1:]}"]'), href
    # the reference stands where the parser placed it: in article 4, paragraph 1, point 3
    assert doc.xpath('//div[@id="art-4-p1"]//a[@class="ref"][@href="#art-2"]')


def test_references_to_annexes_link_to_the_annex(real_client: TestClient) -> None:
    doc = get_page(real_client, "/treaties/2023-kupiia-akparatty-almasu-korgau")
    hrefs = doc.xpath('//main//a[@class="ref"]/@href')
    assert "#annex-1" in hrefs and "#annex-2" in hrefs
    assert all(doc.xpath(f'//*[@id="{h[1:]}"]') for h in hrefs)


def _place(treaty: Treaty, text: str, after: int = 0) -> Span:
    at = treaty.text.index(text, after)
    return Span(at, at + len(text))


@pytest.fixture(scope="module")
def marked_sample() -> lxml_html.HtmlElement:
    """``make_treaty`` with a definition without a concept, and references of every kind,
    rendered through ``treaty.html`` and the app's Jinja helpers."""
    from api import render
    from api.app import TEMPLATES

    base = make_treaty("t", articles=5)
    art5 = base.articles[4]
    art3, art4 = base.articles[2], base.articles[3]
    definition = Definition(
        term="ақпарат",
        definition="Тараптар <b>алмасатын</b> мәліметтер",
        article="5",
        span=art5.span,
        term_span=None,
    )
    references = (
        Reference(kind="internal", source=Place(article="3"), text="Осы баптың",
                  to=Target(article="2", paragraph="2"), span=_place(base, "Осы баптың", art3.span.start)),
        Reference(kind="internal", source=Place(article="4"), text="мәтіні",
                  to=Target(annex="1"), span=_place(base, "мәтіні", art4.span.start)),
        Reference(kind="external", source=Place(article="4"), text="нөмірі",
                  to=Target(article="5"), treaty="other-treaty", title="Басқа келісім", span=_place(base, "нөмірі", art4.span.start)),
        Reference(kind="external", source=Place(article="5"), text="мәтіні",
                  title="Мұнда жоқ акт", span=_place(base, "мәтіні", art5.span.start)),
        Reference(kind="internal", source=Place(article="5"), text="нөмірі",
                  to=Target(article="99"), span=_place(base, "нөмірі", art5.span.start)),
    )
    treaty = msgspec.structs.replace(base, definitions=(definition,), references=references)
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    render.install(env)
    return lxml_html.fromstring(env.get_template("treaty.html").render(treaty=treaty, version="v"))


def test_a_definition_without_a_concept_links_to_its_article(marked_sample: lxml_html.HtmlElement) -> None:
    (term,) = term_links(marked_sample)
    assert term.text_content() == "ақпарат"  # in "1) ақпарат алмасуды;" of article 2
    assert term.xpath('ancestor::div[@id="art-2-p1"]')
    assert term.get("href") == "#art-5"
    assert term.get("title") == "ақпарат: Тараптар <b>алмасатын</b> мәліметтер"  # escaped, not markup
    assert not marked_sample.xpath("//b")


def test_references_link_where_the_page_can_and_nowhere_else(marked_sample: lxml_html.HtmlElement) -> None:
    refs = [(a.xpath('ancestor::section[@class="article"]/@id')[0], a.text_content(), a.get("href"), a.get("title"))
            for a in marked_sample.xpath('//a[@class="ref"]')]
    assert refs == [
        ("art-3", "Осы баптың", "#art-2-p2", None),  # a paragraph with its own anchor
        ("art-4", "мәтіні", "#annex-1", None),
        ("art-4", "нөмірі", "/treaties/other-treaty#art-5", "Басқа келісім"),  # a treaty the knowledge base holds
    ]  # an act the knowledge base lacks, and an article the treaty lacks: plain text
    assert "Осы баптың мәтіні, нөмірі 5." in marked_sample.xpath('//section[@id="art-5"]')[0].text_content()


def test_every_block_the_reader_prints_knows_where_it_stands_in_the_text(real_kb: Any) -> None:
    """The marks are placed by offsets: a block's ``start`` must be where its text is."""
    from api.render import article_lines, paragraph_blocks

    placed = 0
    for record in real_kb.list_treaties():
        treaty = real_kb.get_treaty(record.id)
        for article in treaty.articles:
            blocks = [b for p in article.paragraphs for b in paragraph_blocks(p)] or article_lines(treaty, article)
            for b in blocks:
                assert b.start is not None, (treaty.id, article.num, b.text[:60])
                assert treaty.text[b.start : b.start + len(b.text)] == b.text
                placed += 1
    assert placed > 300


def test_an_article_without_paragraphs_is_marked_too() -> None:
    from api import render
    from api.app import TEMPLATES

    base = make_treaty("t", articles=4)
    art4 = base.articles[3]
    bare_article = msgspec.structs.replace(art4, paragraphs=())
    ref = Reference(kind="internal", source=Place(article="4"), text="Осы баптың", to=Target(article="2"),
                    span=_place(base, "Осы баптың", art4.span.start))
    treaty = msgspec.structs.replace(base, articles=(*base.articles[:3], bare_article), references=(ref,))
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    render.install(env)
    doc = lxml_html.fromstring(env.get_template("treaty.html").render(treaty=treaty, version="v"))
    assert doc.xpath('//section[@id="art-4"]/p/a[@class="ref"][@href="#art-2"]/text()') == ["Осы баптың"]


def test_reader_marks_escape_the_text() -> None:
    from api.marks import reader_marks

    base = make_treaty("t", articles=2)
    scope = reader_marks(base).scope()
    assert str(scope.mark('<script>alert("x")</script> & Co', None)) == '&lt;script&gt;alert("x")&lt;/script&gt; &amp; Co'


# -- the obligations page ----------------------------------------------------------------------


def obligations(doc: lxml_html.HtmlElement) -> list[dict[str, str]]:
    return [
        {
            "href": li.xpath('.//p[@class="cite"]/a/@href')[0],
            "citation": li.xpath('.//p[@class="cite"]/a')[0].text_content(),
            "text": li.xpath('.//p[@class="text"]')[0].text_content(),
            **{k: li.xpath(f'.//dd[@class="{k}"]')[0].text_content().strip() for k in ("modality", "actor", "deadline")},
        }
        for li in doc.xpath('//ol[@class="obligations"]/li')
    ]


def test_the_obligations_page_lists_every_obligation_with_its_facts(real_client: TestClient) -> None:
    doc = get_page(real_client, "/obligations")
    form = doc.xpath('//main//form[@action="/obligations"]')[0]
    for name in ("treaty", "actor", "modality", "has_deadline", "type"):
        field = form.xpath(f'.//*[@name="{name}"]')[0]
        assert form.xpath(f'.//label[@for="{field.get("id")}"]'), name
    assert form.xpath('.//select[@name="modality"]/option/text()') == ["Барлығы", "міндеттеме", "құқық", "тыйым"]
    total = int(doc.get_element_by_id("results-heading").text_content().split()[0])
    assert total > 100
    items = obligations(doc)
    assert len(items) == 20
    assert {i["modality"] for i in items} <= {"міндеттеме", "құқық", "тыйым"}
    seen: dict[str, lxml_html.HtmlElement] = {}
    for item in items:
        path, _, anchor = item["href"].partition("#")
        if path not in seen:
            seen[path] = get_page(real_client, path)
        assert seen[path].xpath(f'//*[@id="{anchor}"]'), item["href"]  # the reader at its article or paragraph
        assert f", {anchor.removeprefix('art-').partition('-p')[0]}-бап" in item["citation"]
        assert item["text"] and item["actor"]


def test_obligation_filters_narrow_the_list(real_client: TestClient) -> None:
    everything = get_page(real_client, "/obligations")
    grand = int(everything.get_element_by_id("results-heading").text_content().split()[0])
    prohibitions = obligations(get_page(real_client, "/obligations", {"modality": "prohibition"}))
    assert prohibitions and {i["modality"] for i in prohibitions} == {"тыйым"}
    dated = get_page(real_client, "/obligations", {"has_deadline": "true"})
    assert all(i["deadline"] not in ("", "—") for i in obligations(dated))
    assert any(i["deadline"].endswith(("күн", "ай", "жыл")) for i in obligations(dated))
    # an actor in any inflection: "тараптың" finds "Тараптар", "Әрбір Тарап"
    parties = get_page(real_client, "/obligations", {"actor": "тараптың", "treaty": TM, "type": ""})
    found = obligations(parties)
    assert found and all("тарап" in i["actor"].lower() for i in found)
    assert all(i["href"].startswith(f"/treaties/{TM}#") for i in found)
    assert parties.xpath('//input[@name="actor"]/@value') == ["тараптың"]
    assert parties.xpath('//select[@name="treaty"]/option[@selected]/@value') == [TM]
    typed = get_page(real_client, "/obligations", {"type": "visits"})
    assert 0 < int(typed.get_element_by_id("results-heading").text_content().split()[0]) < grand


def test_the_next_obligations_page_keeps_the_filters(real_client: TestClient) -> None:
    first = get_page(real_client, "/obligations", {"modality": "obligation"})
    total = int(first.get_element_by_id("results-heading").text_content().split()[0])
    seen = [i["text"] for i in obligations(first)]
    doc = first
    while doc.xpath('//nav[@class="pages"]//a[@rel="next"]'):
        href = doc.xpath('//nav[@class="pages"]//a[@rel="next"]/@href')[0]
        assert doc.xpath('//nav[@class="pages"]//a[@rel="next"]')[0].text_content() == "Келесі бет"
        query = parse_qs(urlsplit(href).query)
        assert query["modality"] == ["obligation"] and query["cursor"]
        doc = get_page(real_client, href)
        assert doc.xpath('//nav[@class="pages"]//a[not(@rel)]/@href') == ["/obligations?modality=obligation"]
        seen += [i["text"] for i in obligations(doc)]
    assert len(seen) == total


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"modality": "duty"}, "modality"),
        ({"has_deadline": "maybe"}, "has_deadline"),
        ({"treaty": "nope"}, "treaty"),
        ({"type": "nonsense"}, "type"),
        ({"actor": "—"}, "actor"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"actor": "<script>alert(1)</script>" * 20}, "actor"),
    ],
)
def test_a_refused_obligation_filter_is_a_400_page_naming_the_parameter(real_client: TestClient, params: dict[str, str], param: str) -> None:
    r = real_client.get("/obligations", params=params)
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert "<script" not in r.text
    doc = lxml_html.fromstring(r.text)
    alert = doc.xpath('//*[@role="alert"]')
    assert alert and alert[0].xpath(".//code")[0].text_content() == param
    assert doc.xpath('//main//form[@action="/obligations"]')  # the form, to fix it
    assert not doc.xpath('//ol[@class="obligations"]')


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(["treaty", "actor", "modality", "has_deadline", "type", "cursor"]), value=st.text(max_size=40))
def test_no_obligation_filter_makes_a_500(real_client: TestClient, key: str, value: str) -> None:
    r = real_client.get(f"/obligations?{key}={quote(value.encode('utf-8', 'surrogatepass'), safe='')}")
    assert r.status_code in (200, 400), (key, value)
    assert "<script" not in r.text.lower()


# -- the search page groups hits by article ----------------------------------------------------


def hit_links(doc: lxml_html.HtmlElement) -> list[tuple[str, str]]:
    return [(a.get("href"), a.text_content()) for a in doc.xpath('//ol[@class="hits"]/li/p[@class="cite"]/a')]


def test_the_search_page_shows_each_article_once_by_its_best_provision(real_client: TestClient) -> None:
    q = "құпия ақпаратқа"
    doc = get_page(real_client, "/search", {"q": q})
    grouped = real_client.get("/api/v1/search", params={"q": q, "group": "article"}).json()
    total = int(doc.get_element_by_id("results-heading").text_content().split()[0])
    assert total == grouped["total"] < real_client.get("/api/v1/search", params={"q": q}).json()["total"]
    assert [c for _, c in hit_links(doc)] == [h["citation"] for h in grouped["hits"]]
    articles = [(h["treaty_id"], h["article"]) for h in grouped["hits"]]
    assert len(articles) == len(set(articles))
    # the hit links to its paragraph when it has one
    for (href, _), hit in zip(hit_links(doc), grouped["hits"], strict=True):
        anchor = "art-" + hit["article"] + (f"-p{hit['paragraph']}" if hit["paragraph"] else "")
        assert href == f"/treaties/{hit['treaty_id']}#{anchor}"
    assert doc.xpath('//input[@name="group"][@type="checkbox"][not(@checked)]')
    assert "group=article" in doc.xpath('//a[starts-with(@href, "/api/v1/search?")]/@href')[0]


def test_the_toggle_shows_every_provision_and_back(real_client: TestClient) -> None:
    q = "құпия ақпаратқа"
    doc = get_page(real_client, "/search", {"q": q})
    (toggle,) = doc.xpath('//p[contains(@class, "grouping")]/a')
    assert toggle.text_content() == "Барлық тармақтар"
    every = get_page(real_client, toggle.get("href"))
    total = int(every.get_element_by_id("results-heading").text_content().split()[0])
    assert total == real_client.get("/api/v1/search", params={"q": q}).json()["total"]
    assert every.xpath('//input[@name="group"][@checked]/@value') == ["all"]
    cited = [c for _, c in hit_links(every)]
    assert len(cited) == 10 and len({c.split("-бап")[0] for c in cited}) < len(cited)  # articles come back more than once
    assert "group=all" in every.xpath('//a[@rel="next"]/@href')[0]  # and the next page keeps showing every provision
    (back,) = every.xpath('//p[contains(@class, "grouping")]/a')
    assert int(get_page(real_client, back.get("href")).get_element_by_id("results-heading").text_content().split()[0]) < total


def test_a_grouped_hit_lists_its_articles_next_best_provisions(real_client: TestClient) -> None:
    q = "құпия ақпарат"
    doc = get_page(real_client, "/search", {"q": q})
    grouped = real_client.get("/api/v1/search", params={"q": q, "group": "article"}).json()
    hit = next(h for h in grouped["hits"] if h["more"])
    position = [h["id"] for h in grouped["hits"]].index(hit["id"])
    item = doc.xpath('//ol[contains(@class, "hits")]/li')[position]
    links = item.xpath('.//ul[contains(@class, "more")]/li/a')
    assert len(links) == len(hit["more"])
    for link, other in zip(links, hit["more"], strict=True):
        anchor = "art-" + hit["article"] + (f"-p{other['paragraph']}" if other["paragraph"] else "")
        assert link.get("href") == f"/treaties/{hit['treaty_id']}#{anchor}"


def test_a_bad_group_is_a_400_naming_it(real_client: TestClient) -> None:
    doc = get_page(real_client, "/search", {"q": "ақпарат", "group": "treaty"}, status=400)
    assert doc.xpath('//*[@role="alert"]//code')[0].text_content() == "group"


# -- every page: Kazakh, the keyboard, labels ---------------------------------------------------


PAGES = [
    "/",
    "/search",
    "/search?q=%D0%B0%D2%9B%D0%BF%D0%B0%D1%80%D0%B0%D1%82",
    f"/treaties/{TM}",
    f"/treaties/{TM}/profile",
    "/obligations",
    "/concepts",
    "/concepts/classified-information",
    "/compare",
    "/compare/matrix",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_starts_with_a_skip_link_and_labels_its_fields(real_client: TestClient, path: str) -> None:
    doc = get_page(real_client, path)
    first = doc.xpath("//body/*[1]")[0]
    assert first.tag == "a" and first.get("class") == "skip" and first.get("href") == "#main"
    assert first.text_content() == "Негізгі мазмұнға өту"
    assert doc.xpath('//main[@id="main"]')
    for field in doc.xpath('//input[not(@type="hidden")] | //select | //textarea'):
        labelled = doc.xpath(f'//label[@for="{field.get("id")}"]') or field.xpath("ancestor::label")
        assert labelled, (path, lxml_html.tostring(field)[:120])
    for table in doc.xpath("//main//table"):  # a wide table scrolls in its own box
        assert table.xpath('parent::div[@class="wide"]'), path


@pytest.mark.parametrize("path", ["/search", "/compare/matrix", f"/treaties/{TM}/profile", "/concepts/classified-information", "/compare?type=withdrawal"])
def test_pages_speak_kazakh(real_client: TestClient, path: str) -> None:
    doc = get_page(real_client, path)
    visible = " ".join(doc.xpath("//main//text()[not(ancestor::code)]"))
    for english in ("keyword", "hybrid", "absent", "inconclusive", "obligation", "permission", "prohibition",
                    "notice_months", "survival", "yes", "no", "baseline", "draft", "wording", "substance"):
        assert f" {english} " not in f" {' '.join(visible.replace(':', ' ').replace(';', ' ').split())} ", (path, english)
