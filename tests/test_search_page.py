"""The search web page: the form, hits linking into the reader, facets, pagination, the
JSON twin, and what a refused or hostile query gets (a 400 page naming the parameter,
never a 500, never markup of the reader's own). The apps are the session's (conftest.py),
over knowledge bases built without vectors, so the default mode is keyword:
``sample_client`` over hand-built treaties (one titled with markup), ``real_client``
over the real corpus."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient
from lxml import html as lxml_html

QUERY = "құпия ақпаратқа"


def get_page(client: TestClient, url: str, params: dict[str, str] | None = None, status: int = 200) -> lxml_html.HtmlElement:
    r = client.get(url, params=params)
    assert r.status_code == status, (url, params, r.text[:500])
    assert r.headers["content-type"].startswith("text/html")
    return lxml_html.fromstring(r.text)


def total(doc: lxml_html.HtmlElement) -> int:
    return int(doc.get_element_by_id("results-heading").text_content().split()[0])


def hits(doc: lxml_html.HtmlElement) -> list[tuple[str, str, str]]:
    """(link, citation, snippet text) of each hit on the page."""
    return [
        (li.xpath('.//p[@class="cite"]/a/@href')[0], li.xpath('.//p[@class="cite"]/a')[0].text_content(), li.xpath('.//p[@class="snippet"]')[0].text_content())
        for li in doc.xpath('//ol[@class="hits"]/li')
    ]


def facet_links(doc: lxml_html.HtmlElement, facet: str) -> list[tuple[str, int]]:
    """(href, count) of each link of one facet list."""
    return [
        (li.xpath("./a/@href")[0], int(li.xpath('./span[@class="muted"]')[0].text_content().strip("()")))
        for li in doc.xpath(f'//ul[@aria-labelledby="facet-{facet}"]/li[a]')
    ]


def next_link(doc: lxml_html.HtmlElement) -> str:
    links = doc.xpath('//nav[@class="pages"]//a[@rel="next"]/@href')
    assert links, "no next-page link"
    return links[0]


# -- the form ----------------------------------------------------------------------------


def test_the_form_renders_without_results(real_client: TestClient) -> None:
    treaties = real_client.get("/api/v1/treaties").json()["items"]
    for params in (None, {"q": ""}, {"q": "   ", "treaty": "", "year": "", "type": "", "mode": ""}):
        doc = get_page(real_client, "/search", params)
        form = doc.xpath('//main//form[@action="/search"]')[0]
        assert form.get("method") == "get"
        for name in ("q", "mode", "treaty", "year", "type"):
            field = form.xpath(f'.//*[@name="{name}"]')[0]
            assert form.xpath(f'.//label[@for="{field.get("id")}"]'), name  # every field labelled
        assert form.xpath('.//select[@name="mode"]/option[@selected]/@value') == ["keyword"]  # no vectors: keyword
        assert form.xpath('.//select[@name="treaty"]/option/@value') == ["", *(t["id"] for t in treaties)]
        assert not doc.xpath('//ol[@class="hits"]') and not doc.xpath('//*[@role="alert"]')


def test_every_page_has_a_search_box_in_its_header(real_client: TestClient) -> None:
    tid = real_client.get("/api/v1/treaties").json()["items"][0]["id"]
    for url in ("/", f"/treaties/{quote(tid, safe='')}"):
        doc = get_page(real_client, url)
        box = doc.xpath('//header[@class="site"]//form[@action="/search"]')
        assert box and box[0].get("method") == "get", url
        field = box[0].xpath('.//input[@name="q"]')[0]
        assert box[0].xpath(f'.//label[@for="{field.get("id")}"]')
    assert len(get_page(real_client, "/search").xpath('//input[@name="q"]')) == 1  # not twice on the search page


# -- results -----------------------------------------------------------------------------


def test_an_inflected_query_finds_highlighted_provisions_linking_to_their_articles(real_client: TestClient) -> None:
    r = real_client.get("/search", params={"q": QUERY})
    assert r.status_code == 200
    doc = lxml_html.fromstring(r.text)
    assert doc.xpath('//input[@name="q"]/@value') == [QUERY]
    # one hit per article by default: the page counts what the grouped search counts
    assert total(doc) == real_client.get("/api/v1/search", params={"q": QUERY, "group": "article"}).json()["total"] > 10
    found = hits(doc)
    assert len(found) == 10
    marked = {m.text_content().lower() for m in doc.xpath('//p[@class="snippet"]/mark')}
    assert "құпия" in marked and "ақпаратқа" in marked
    assert "<mark>" in r.text  # the snippet's own markup, not escaped
    assert_links_land_on_their_provisions(real_client, found)


def assert_links_land_on_their_provisions(client: TestClient, found: list[tuple[str, str, str]]) -> int:
    """Each hit's link opens its treaty at an element with the fragment's id: its
    article, or its numbered paragraph inside that article. Returns how many were
    paragraphs."""
    paragraphs = 0
    for href, citation, snippet in found:
        assert citation and snippet
        path, _, anchor = href.partition("#")
        assert path.startswith("/treaties/") and anchor, href
        target = get_page(client, path)
        assert target.xpath(f'//*[@id="{anchor}"]'), href
        article, _, paragraph = anchor.removeprefix("art-").partition("-p")
        assert f", {article}-бап" in citation  # the anchor is the hit's own article…
        if paragraph:  # …and paragraph, inside that article
            assert f", {article}-бап, {paragraph}-тармақ" in citation
            assert target.xpath(f'//section[@id="art-{article}"]//*[@id="{anchor}"]'), href
        paragraphs += bool(paragraph)
    return paragraphs


def test_a_hit_in_a_numbered_paragraph_links_to_the_paragraph(real_client: TestClient) -> None:
    found = hits(get_page(real_client, "/search", {"q": "сұрау салынатын құзыретті орган", "group": "all"}))
    assert found and assert_links_land_on_their_provisions(real_client, found) >= 3


def test_text_from_the_knowledge_base_is_escaped_but_the_snippet_markup_is_not(sample_client: TestClient) -> None:
    r = sample_client.get("/search", params={"q": "мәтіні", "treaty": "xss"})
    assert r.status_code == 200
    assert "<script" not in r.text
    assert "&lt;script&gt;" in r.text  # the title, in citations, links and the treaty menu
    assert "<mark>мәтіні</mark>" in r.text
    doc = lxml_html.fromstring(r.text)
    for href, _, _ in hits(doc):
        path, _, anchor = href.partition("#")
        assert get_page(sample_client, path).xpath(f'//*[@id="{anchor}"]'), href


def test_facet_links_add_their_filter(real_client: TestClient) -> None:
    doc = get_page(real_client, "/search", {"q": QUERY})
    grand = total(doc)
    for facet in ("treaty", "type", "year"):
        links = facet_links(doc, facet)
        assert len(links) >= 2, facet
        href, count = links[-1]
        assert count < grand
        query = parse_qs(urlsplit(href).query)
        assert query["q"] == [QUERY] and facet in query and "cursor" not in query
        narrowed = get_page(real_client, href)
        assert total(narrowed) == count, href
        assert narrowed.xpath(f'//ul[@aria-labelledby="facet-{facet}"]//*[@aria-current]')  # shown as chosen
        if facet == "treaty":
            assert {h.partition("#")[0] for h, _, _ in hits(narrowed)} == {f"/treaties/{query['treaty'][0]}"}
        # and it can be removed again
        removed = narrowed.xpath('//section[@class="results"]/p[@class="muted"]/a/@href')[0]
        assert total(get_page(real_client, removed)) == grand


def test_the_next_page_keeps_the_query_and_filters_and_shows_other_hits(real_client: TestClient) -> None:
    first = get_page(real_client, "/search", {"q": QUERY, "year": "2017", "mode": "keyword"})
    href = next_link(first)
    kept = parse_qs(urlsplit(href).query)
    assert kept["q"] == [QUERY] and kept["year"] == ["2017"] and kept["mode"] == ["keyword"] and kept["cursor"]
    second = get_page(real_client, href)
    assert total(second) == total(first)
    page1, page2 = hits(first), hits(second)
    assert page2 and not {(c, s) for _, c, s in page1} & {(c, s) for _, c, s in page2}
    assert second.xpath('//nav[@class="pages"]//a[not(@rel)]/@href')  # back to the first page
    seen, doc = len(page1) + len(page2), second
    while doc.xpath('//a[@rel="next"]'):
        doc = get_page(real_client, next_link(doc))
        seen += len(hits(doc))
    assert seen == total(first)


def test_the_json_link_is_the_same_search(real_client: TestClient) -> None:
    doc = get_page(real_client, "/search", {"q": QUERY, "type": "definitions"})
    href = doc.xpath('//a[starts-with(@href, "/api/v1/search?")]/@href')[0]
    r = real_client.get(href)
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == total(doc)
    assert [h["citation"] for h in body["hits"]] == [c for _, c, _ in hits(doc)]


# -- refused and hostile queries ---------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"q": "ақпарат", "type": "nonsense"}, "type"),
        ({"q": "ақпарат", "treaty": "nope"}, "treaty"),
        ({"q": "ақпарат type:nonsense"}, "q"),
        ({"q": "ақпарат", "year": "биыл"}, "year"),
        ({"q": "ақпарат", "mode": "nope"}, "mode"),
        ({"q": "ақпарат", "cursor": "not-a-cursor"}, "cursor"),
        ({"q": "a" * 10_000}, "q"),
        ({"q": "\x00"}, "q"),
    ],
)
def test_a_refused_query_is_a_400_page_naming_the_parameter(real_client: TestClient, params: dict[str, str], param: str) -> None:
    doc = get_page(real_client, "/search", params, status=400)
    alert = doc.xpath('//*[@role="alert"]')
    assert alert and alert[0].xpath(".//code")[0].text_content() == param
    # the form, still filled in (an HTML parser reads a NUL as U+FFFD)
    assert doc.xpath('//input[@name="q"]/@value') == [params["q"].replace("\x00", "\ufffd")]
    assert not doc.xpath('//ol[@class="hits"]')


@pytest.mark.parametrize(
    "params",
    [
        {"q": '"<script>alert(1)</script>'},
        {"q": "<script>alert(1)</script> ақпарат"},
        {"q": "ақпарат", "treaty": "<script>alert(1)</script>"},
        {"q": "ақпарат", "type": "<script>"},
        {"q": "ақпарат", "year": "<script>"},
        {"q": "ақпарат", "mode": "<script>"},
        {"q": "ақпарат", "cursor": "<script>"},
        {"q": "<script>" * 1_250},
    ],
)
def test_hostile_input_is_never_reflected_as_markup(real_client: TestClient, params: dict[str, str]) -> None:
    r = real_client.get("/search", params=params)
    assert r.status_code in (200, 400)
    assert "<script" not in r.text.lower()
    if "cursor" not in params:  # a refused cursor is not shown back; everything else is, escaped
        assert "&lt;script&gt;" in r.text


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    q=st.text(max_size=60),
    key=st.sampled_from(["treaty", "year", "type", "mode", "cursor"]),
    value=st.text(max_size=30),
)
def test_no_query_makes_a_500(real_client: TestClient, q: str, key: str, value: str) -> None:
    def enc(text: str) -> str:
        return quote(text.encode("utf-8", "surrogatepass"), safe="")

    r = real_client.get(f"/search?q={enc(q)}&{key}={enc(value)}")
    assert r.status_code in (200, 400), (q, key, value)
    assert "<script" not in r.text.lower()


def test_the_reader_page_searches_its_own_treaty(real_client: TestClient) -> None:
    treaty_id = real_client.get("/api/v1/treaties").json()["items"][0]["id"]
    page = get_page(real_client, f"/treaties/{treaty_id}")
    form = page.xpath('//form[@role="search"]')[0]
    assert form.get("action") == "/search"
    assert form.xpath('.//input[@type="hidden"][@name="treaty"]/@value') == [treaty_id]
    found = hits(get_page(real_client, "/search", {"q": "ақпарат", "treaty": treaty_id}))
    assert found and all(href.startswith(f"/treaties/{treaty_id}#") for href, _, _ in found)
