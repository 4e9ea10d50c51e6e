"""Keyword search over a knowledge base built from the real corpus: lemma matching,
filters, facets, one hit per match, cursor pagination, highlights mapped to the source
file, the API and the CLI, and the acceptance test over the gold lemma list."""

from __future__ import annotations

import html
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from api import cli
from ingest.decode import decode
from ingest.kk.morphology import analyse
from kb import modes as modes_module
from kb.errors import QueryError
from kb.keyword import keyword_scorer
from kb.matching import matches
from kb.modes import MODES, Found, SearchRequest, register_mode
from kb.query import parse_query
from kb.search import SearchResult, search, snippet
from kb.store import KnowledgeBase
from kb.tokens import fold, unpack_tokens


@pytest.fixture(scope="module")
def kb_root(real_kb_root: Path) -> Path:
    """The root of the session's knowledge base of corpus/, built without vectors
    (conftest.py), for the CLI and the app, which open a knowledge base by its root."""
    return real_kb_root


@pytest.fixture(scope="module")
def kb(real_kb: KnowledgeBase) -> KnowledgeBase:
    """The session's knowledge base of corpus/, built without vectors (conftest.py):
    every test here only reads it."""
    return real_kb


@pytest.fixture(scope="module")
def db(kb: KnowledgeBase) -> Iterator[sqlite3.Connection]:
    yield kb.raw_connection()  # the views over the version's segments


def every_hit(kb: KnowledgeBase, query: str, **kw: object) -> list:
    """All hits of a search, page after page."""
    hits, cursor = [], None
    while True:
        result = search(kb, query, limit=100, cursor=cursor, **kw)  # type: ignore[arg-type]
        hits.extend(result.hits)
        cursor = result.next_cursor
        if cursor is None:
            return hits


# -- what keyword search finds ------------------------------------------------------------------


def test_inflected_query_finds_every_provision_with_the_words_in_any_inflection(kb: KnowledgeBase, db: sqlite3.Connection) -> None:
    """"құпия ақпаратқа" (dative) finds the alineas and points holding "құпия ақпарат" in
    any case: ақпаратты, ақпараттың, ақпаратпен…, through the lemma column."""
    hits = every_hit(kb, "құпия ақпаратқа")
    found = {h.id for h in hits}
    expected = set()
    for rowid, tokens in db.execute("SELECT rowid, tokens FROM provisions WHERE level != 'article'"):
        toks = unpack_tokens(tokens)
        if any(a[2] == "құпия" and "ақпарат" in b[3] for a, b in zip(toks, toks[1:])):
            expected.add(rowid)
    assert len(expected) > 20
    assert expected <= found
    forms = Counter(fold(hl.text) for h in hits for hl in h.highlights)
    inflections = {f for f in forms if f.startswith("ақпарат") and f != "ақпараттық"}
    assert {"ақпаратқа", "ақпаратты", "ақпараттың", "ақпарат"} <= inflections, inflections
    for hit in hits:  # both words in each hit, highlighted
        marked = {fold(hl.text) for hl in hit.highlights}
        assert "құпия" in marked and any(m.startswith("ақпарат") for m in marked), hit


def test_the_exact_form_ranks_above_other_inflections(kb: KnowledgeBase) -> None:
    top = search(kb, "ақпаратқа", limit=5).hits
    assert all("ақпаратқа" in {fold(hl.text) for hl in h.highlights} for h in top)


def test_a_phrase_needs_its_words_in_order_and_adjacent(kb: KnowledgeBase) -> None:
    words = {h.id for h in every_hit(kb, "ақпарат алмасу")}
    phrase = every_hit(kb, '"ақпарат алмасу"')
    assert phrase and {h.id for h in phrase} < words
    assert not every_hit(kb, '"алмасу ақпарат"')
    for hit in phrase:
        rec = kb.provisions([hit.id])[hit.id]
        assert any("ақпарат" in a[3] and "алмас" in b[3] for a, b in zip(rec.tokens, rec.tokens[1:]))
        marked = [fold(hl.text) for hl in hit.highlights]
        assert marked and all(m.startswith(("ақпарат", "алмас")) for m in marked)


def test_exclusion_drops_provisions_with_the_word_in_any_inflection(kb: KnowledgeBase) -> None:
    base = every_hit(kb, "құпия ақпарат")
    without = every_hit(kb, "құпия ақпарат -жеткізгіш")
    assert 0 < len(without) < len(base)
    for hit in without:
        rec = kb.provisions([hit.id])[hit.id]
        assert not any("жеткізгіш" in t[3] for t in rec.tokens)
    phrase_out = every_hit(kb, 'ақпарат -"құпия ақпарат"')
    assert phrase_out and all(not matches(parse_query('"құпия ақпарат"'), kb.provisions([h.id])[h.id].tokens) for h in phrase_out)


def test_or_finds_either(kb: KnowledgeBase) -> None:
    def articles(query: str) -> set[tuple[str, str]]:
        return {(h.treaty_id, h.article) for h in every_hit(kb, query)}

    a, b = articles("терроризм"), articles("келіссөздер")
    assert a and b and a != b
    assert articles("терроризм OR келіссөздер") == a | b
    assert articles("терроризм келіссөздер") <= a & b


def test_hyphenated_words_and_abbreviations(kb: KnowledgeBase) -> None:
    assert all("іс-қимыл" in {fold(hl.text)[:8] for hl in h.highlights} for h in search(kb, "іс-қимыл").hits)
    hits = every_hit(kb, "ҰҚШҰ")
    assert hits and all(h.treaty_id.startswith("draft-") for h in hits)
    assert {fold(hl.text) for h in hits for hl in h.highlights} >= {"ұқшұ-ға"}


# -- one hit per match ------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["құпия ақпарат", "тарап келіссөз", "дау келіссөз", "ұғымдардың анықтамасы", "депозитарий"])
def test_no_paragraph_and_its_own_article_both(kb: KnowledgeBase, query: str) -> None:
    hits = every_hit(kb, query)
    parsed = parse_query(query)
    fine_articles = {(h.treaty_id, h.article) for h in hits if h.level != "article"}
    for hit in hits:
        if hit.level == "article":
            assert (hit.treaty_id, hit.article) not in fine_articles
    assert len({h.id for h in hits}) == len(hits)
    # an article row is a hit only when no alinea or point of it matches on its own
    article_hits = [h for h in hits if h.level == "article"]
    for hit in article_hits:
        assert matches(parsed, kb.provisions([hit.id])[hit.id].tokens)


def test_words_spread_over_paragraphs_or_in_the_heading_give_the_article(kb: KnowledgeBase) -> None:
    heading = search(kb, "ұғымдардың анықтамасы").hits
    assert [(h.article, h.level, h.paragraph) for h in heading] == [("1", "article", None)]
    assert heading[0].citation.endswith("келісім, 1-бап")
    spread = search(kb, "дау келіссөз treaty:2023-kupiia-akparatty-almasu-korgau").hits
    assert [(h.article, h.level) for h in spread] == [("22", "article")]


def test_citations_a_lawyer_can_paste(kb: KnowledgeBase) -> None:
    point = search(kb, '"құпия ақпаратқа қол жеткізу" treaty:2017-kupiia-akparatty-ozara-korgau').hits[0]
    assert point.level == "point" and point.point == "9"
    assert point.citation == (
        "Қазақстан Республикасының Үкіметі мен Түрікменстан Үкіметі арасындағы құпия ақпаратты өзара қорғау туралы келісім,"
        " 1-бап, 9) тармақша"
    )
    para = search(kb, "сапарлар өтініш").hits[0]
    assert para.citation.endswith(", 9-бап, 2-тармақ") and para.paragraph == "2" and para.article == "9"
    assert para.treaty_title and para.clause_types == ("visits",)


# -- filters and facets -------------------------------------------------------------------------------


def test_filters_in_the_query_and_as_parameters(kb: KnowledgeBase) -> None:
    everything = every_hit(kb, "ақпарат")
    years = {h.year for h in everything}
    assert {2011, 2017, 2023, None} <= years
    only_2017 = every_hit(kb, "ақпарат year:2017")
    assert only_2017 and {h.year for h in only_2017} == {2017}
    assert [h.id for h in only_2017] == [h.id for h in every_hit(kb, "ақпарат", year=2017)]
    ranged = every_hit(kb, "ақпарат", year="2010-2018")
    assert {h.year for h in ranged} == {2011, 2017}
    treaty = every_hit(kb, "ақпарат treaty:2011-akparattyk-kauipsizdikti-kamtamasyz-etu")
    assert treaty and {h.treaty_id for h in treaty} == {"2011-akparattyk-kauipsizdikti-kamtamasyz-etu"}
    typed = every_hit(kb, "ақпарат", type="information_protection")
    assert typed and all("information_protection" in h.clause_types for h in typed)
    assert len(typed) < len(everything)
    party = every_hit(kb, "ақпарат party:Түрікменстан")
    assert party and {h.treaty_id for h in party} == {"2017-kupiia-akparatty-ozara-korgau"}
    article = every_hit(kb, "ақпарат article:4 treaty:2017-akparat-almasu")
    assert article and {h.article for h in article} == {"4"}
    # query filters and parameters both apply
    assert not every_hit(kb, "ақпарат year:2011", year="2017")


def test_unknown_treaty_and_clause_type_are_refused_by_name(kb: KnowledgeBase) -> None:
    for kwargs, param in [({"treaty": "nope"}, "treaty"), ({"type": "no_such_type"}, "type"), ({"year": "soon"}, "year")]:
        with pytest.raises(QueryError) as info:
            search(kb, "ақпарат", **kwargs)  # type: ignore[arg-type]
        assert info.value.param == param
    with pytest.raises(QueryError) as info:
        search(kb, "ақпарат type:no_such_type")
    assert info.value.param == "q" and "unknown clause type" in info.value.message


def test_facets_count_the_whole_result_set(kb: KnowledgeBase) -> None:
    result = search(kb, "ақпарат", limit=3)
    hits = every_hit(kb, "ақпарат")
    assert result.total == len(hits) > 100
    assert {f.id: f.count for f in result.facets.treaty} == Counter(h.treaty_id for h in hits)
    assert {f.year: f.count for f in result.facets.year} == Counter(h.year for h in hits)
    assert {f.id: f.count for f in result.facets.clause_type} == Counter(t for h in hits for t in h.clause_types)
    assert all(f.title for f in result.facets.treaty)
    counts = [f.count for f in result.facets.treaty]
    assert counts == sorted(counts, reverse=True)


# -- pagination -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["ақпарат", '"құпия ақпарат"', "тарап year:2017"])
def test_cursor_pages_are_disjoint_and_cover_the_result(kb: KnowledgeBase, query: str) -> None:
    whole = search(kb, query, limit=100)
    pages, cursor = [], None
    while True:
        page = search(kb, query, limit=7, cursor=cursor)
        assert page.total == whole.total
        pages.append([h.id for h in page.hits])
        cursor = page.next_cursor
        if cursor is None:
            break
    seen = [i for p in pages for i in p]
    assert len(seen) == len(set(seen)) == whole.total
    assert all(0 < len(p) <= 7 for p in pages)
    assert seen[: len(whole.hits)] == [h.id for h in whole.hits]
    scores = [h.score for h in every_hit(kb, query)]
    assert scores == sorted(scores, reverse=True)


def test_grouped_by_article_a_page_lists_each_article_once_by_its_best_provision(kb: KnowledgeBase) -> None:
    every = search(kb, "ақпарат", limit=100)
    grouped = search(kb, "ақпарат", limit=100, group="article")
    keys = [(h.treaty_id, h.article) for h in grouped.hits]
    assert len(keys) == len(set(keys)) == grouped.total
    assert grouped.total < every.total  # some article has several matching provisions
    assert set(keys) == {(h.treaty_id, h.article) for h in every_hit(kb, "ақпарат")}
    best: dict[tuple[str, str], float] = {}
    for hit in every_hit(kb, "ақпарат"):
        best.setdefault((hit.treaty_id, hit.article), hit.score)
    assert all(h.score == best[(h.treaty_id, h.article)] for h in grouped.hits)
    assert search(kb, "ақпарат", group="").total == every.total  # an empty parameter is no grouping
    cursor = search(kb, "ақпарат", limit=5, group="article").next_cursor
    with pytest.raises(QueryError) as info:  # a grouped page's cursor is no ungrouped one's
        search(kb, "ақпарат", limit=5, cursor=cursor)
    assert info.value.param == "cursor"


def test_a_cursor_belongs_to_its_query(kb: KnowledgeBase) -> None:
    cursor = search(kb, "ақпарат", limit=5).next_cursor
    assert cursor
    for bad, kwargs in [(cursor, {"year": 2017}), ("not-a-cursor", {}), (cursor[:-3] + "AAA", {}), ("x" * 1000, {}), ("", {})]:
        with pytest.raises(QueryError) as info:
            search(kb, "ақпарат", limit=5, cursor=bad, **kwargs)  # type: ignore[arg-type]
        assert info.value.param == "cursor"
    with pytest.raises(QueryError):
        search(kb, "тарап", cursor=cursor)
    assert search(kb, "ақпарат", limit=50, cursor=cursor).hits  # another page size is fine


def test_limit_and_mode_are_checked(kb: KnowledgeBase) -> None:
    for limit in (0, 101, "abc", "-1", True):
        with pytest.raises(QueryError) as info:
            search(kb, "ақпарат", limit=limit)  # type: ignore[arg-type]
        assert info.value.param == "limit"
    assert len(search(kb, "ақпарат", limit="3").hits) == 3
    for mode in ("semantic", "hybrid"):
        with pytest.raises(QueryError, match="built without vectors") as info:  # this fixture's build has none
            search(kb, "ақпарат", mode=mode)
        assert info.value.param == "mode"
    with pytest.raises(QueryError, match="unknown mode"):
        search(kb, "ақпарат", mode="fuzzy")


def test_a_registered_scorer_gets_the_whole_pipeline(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other modes plug in as one scorer: filters, de-duplication, facets, pages and
    highlights come with it."""
    monkeypatch.setattr(modes_module, "_SCORERS", dict(modes_module._SCORERS))
    seen = []

    def reversed_keyword(kb: KnowledgeBase, request: SearchRequest) -> Found:
        seen.append(request)
        docs, scores = keyword_scorer(kb, request)
        return Found(docs, -scores)

    assert "semantic" in MODES
    register_mode("semantic", reversed_keyword)
    result = search(kb, "құпия ақпарат", mode="semantic", limit=5, year=2017)
    keyword = search(kb, "құпия ақпарат", limit=5, year=2017)
    assert result.mode == "semantic" and result.total == keyword.total
    assert [h.id for h in result.hits] != [h.id for h in keyword.hits]
    assert result.hits[0].highlights and seen[0].allowed is not None
    with pytest.raises(ValueError):
        register_mode("psychic", reversed_keyword)


# -- highlights -------------------------------------------------------------------------------------------


def test_highlights_land_on_the_matching_words_in_the_text_and_the_source(kb: KnowledgeBase) -> None:
    sources: dict[str, tuple[str, str]] = {}
    checked = exact = 0
    for query in ["құпия ақпаратқа", "мемлекеттердің", "келісім", "үшін", "іс-қимыл"]:
        for hit in every_hit(kb, query):
            if hit.treaty_id not in sources:
                treaty = kb.get_treaty(hit.treaty_id)
                sources[hit.treaty_id] = (treaty.text, decode(Path(treaty.source).read_bytes()).text)
            text, source = sources[hit.treaty_id]
            assert text[hit.span.start : hit.span.end].strip()
            marks = re.findall(r"<mark>(.*?)</mark>", hit.snippet)
            assert marks and set(marks) <= {html.escape(hl.text, quote=False) for hl in hit.highlights}
            for hl in hit.highlights:
                checked += 1
                assert text[hl.start : hl.end] == hl.text
                assert hit.span.start <= hl.start < hl.end <= hit.span.end
                in_source = source[hl.source_start : hl.source_end]
                if in_source == hl.text:
                    exact += 1
                else:  # the repair changed the word: Latin look-alikes, or letters spaced out
                    assert fold(in_source) == fold(hl.text) or in_source[0] == hl.text[0] and " " in in_source, (hl, in_source)
    assert checked > 300 and exact / checked > 0.98


def test_snippets_escape_html_and_cut_around_the_first_match() -> None:
    assert snippet("a <b> & ақпарат", [(8, 15)]) == "a &lt;b&gt; &amp; <mark>ақпарат</mark>"
    long = "сөз " * 100 + "ақпарат" + " сөз" * 100
    start = long.index("ақпарат")
    cut = snippet(long, [(start, start + 7)])
    assert cut.startswith("…") and cut.endswith("…") and "<mark>ақпарат</mark>" in cut and len(cut) < 320
    assert snippet("бір\n\nекі", []) == "бір екі"


# -- the API and the CLI ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(real_client: TestClient) -> TestClient:
    """The session's app over ``kb_root`` (conftest.py)."""
    return real_client


def test_api_search(client: TestClient, kb: KnowledgeBase) -> None:
    r = client.get("/api/v1/search", params={"q": "құпия ақпаратқа", "limit": "3"})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == search(kb, "құпия ақпаратқа").total and len(body["hits"]) == 3
    hit = body["hits"][0]
    assert {"treaty_id", "treaty_title", "article", "paragraph", "point", "score", "snippet", "highlights", "citation", "clause_types"} <= set(hit)
    assert "<mark>" in hit["snippet"] and len(hit["span"]) == 2
    assert {"treaty", "clause_type", "year"} <= set(body["facets"])
    nxt = client.get("/api/v1/search", params={"q": "құпия ақпаратқа", "limit": "3", "cursor": body["next_cursor"]}).json()
    assert not {h["id"] for h in nxt["hits"]} & {h["id"] for h in body["hits"]}
    filtered = client.get("/api/v1/search", params={"q": "ақпарат", "treaty": "2017-akparat-almasu", "year": "2017", "type": "requests"}).json()
    assert filtered["total"] and all(h["treaty_id"] == "2017-akparat-almasu" and "requests" in h["clause_types"] for h in filtered["hits"])
    assert "/api/v1/search" in client.get("/schema/openapi.json").json()["paths"]


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({}, "q"),
        ({"q": "x" * 10_000}, "q"),
        ({"q": "!!!"}, "q"),
        ({"q": 'ақпарат year:"x" NEAR('}, "q"),
        ({"q": "ақпарат", "group": "treaty"}, "group"),
        ({"q": "ақпарат", "limit": "lots"}, "limit"),
        ({"q": "ақпарат", "limit": "1000"}, "limit"),
        ({"q": "ақпарат", "mode": "semantic"}, "mode"),
        ({"q": "ақпарат", "cursor": "garbage"}, "cursor"),
        ({"q": "ақпарат", "year": "20"}, "year"),
        ({"q": "ақпарат", "type": "nope"}, "type"),
        ({"q": "ақпарат", "treaty": "nope"}, "treaty"),
    ],
)
def test_api_refusals_are_400_naming_the_parameter(client: TestClient, params: dict[str, str], param: str) -> None:
    r = client.get("/api/v1/search", params=params)
    assert r.status_code == 400
    body = r.json()
    assert body["param"] == param and body["detail"] and body["status"] == 400 and r.headers["content-type"].startswith("application/problem+json")


def test_api_hostile_queries_get_results_or_400(client: TestClient) -> None:
    for q in ['"', '"""', "ақпарат)", "NEAR(ақпарат құпия, 2)", "ақпарат*", "^ақпарат", "{surface}:x ақпарат", "ақпарат\x00", "'; DROP TABLE provisions; --"]:
        r = client.get("/api/v1/search", params={"q": q})
        assert r.status_code in (200, 400), (q, r.text)
    assert client.get("/api/v1/search", params={"q": "NEAR(ақпарат құпия, 2)"}).status_code == 200


def test_cli_search_prints_a_block_per_hit(kb_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["search", "құпия ақпаратқа", "--kb", str(kb_root), "--limit", "2"]) == 0
    out = capsys.readouterr().out
    blocks = out.strip().split("\n\n")
    assert blocks[0].endswith("showing 2") and len(blocks) == 3
    first = blocks[1].splitlines()
    assert first[0].startswith("1. ") and "-бап" in first[0]
    assert first[1].strip().startswith("score ")
    assert "[құпия]" in first[2] and "<mark>" not in first[2]


def test_cli_search_json_and_filters(kb_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["search", "ақпарат", "--kb", str(kb_root), "--json", "--treaty", "2017-akparat-almasu", "--year", "2017", "--type", "requests"]
    assert cli.main(args) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["total"] and {h["treaty_id"] for h in body["hits"]} == {"2017-akparat-almasu"}
    assert cli.main([*args, "--cursor", "garbage"]) == 2
    assert "cursor" in capsys.readouterr().err


def test_cli_search_groups_by_article(kb_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def articles(*extra: str) -> list[tuple[str, str]]:
        assert cli.main(["search", "құпия ақпарат", "--kb", str(kb_root), "--json", "--limit", "20", *extra]) == 0
        return [(h["treaty_id"], h["article"]) for h in json.loads(capsys.readouterr().out)["hits"]]

    plain, grouped = articles(), articles("--group", "article")
    assert len(set(plain)) < len(plain)  # the same article several times
    assert len(set(grouped)) == len(grouped) == 20


def test_cli_search_refusals(kb_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["search", "!!!", "--kb", str(kb_root)]) == 2
    assert "kelisim search: q: " in capsys.readouterr().err
    assert cli.main(["search", "ақпарат", "--kb", str(kb_root), "--mode", "hybrid"]) == 2
    assert "built without vectors" in capsys.readouterr().err
    assert cli.main(["search", "ақпарат", "--kb", str(tmp_path / "none")]) == 1
    assert "no knowledge base" in capsys.readouterr().err


# -- acceptance: the gold lemma list ----------------------------------------------------------------------


def test_every_gold_form_finds_the_articles_holding_its_lemma(kb: KnowledgeBase, gold_lemmas: list[dict[str, str]]) -> None:
    """Each form of the gold list (tests/fixtures/gold/lemmas.tsv), searched alone, finds
    every article some token of which (spaCy's Kazakh tokenizer, on the article's text)
    has the gold lemma, or one of its ``|`` alternatives, among its ``analyse`` candidates."""
    from ingest.kk.pipeline import make_nlp

    nlp = make_nlp(lemmatizer=False)
    articles: dict[tuple[str, str], set[str]] = {}
    for summary in kb.list_treaties():
        treaty = kb.get_treaty(summary.id)
        for art in treaty.articles:
            text = "\n".join(filter(None, [art.heading, art.text]))
            lemmas = articles.setdefault((treaty.id, art.num), set())
            for token in nlp.make_doc(text):
                lemmas.update(analyse(token.text))
    rows = gold_lemmas
    assert len(rows) > 100
    missed: dict[str, float] = {}
    checked = 0
    for row in rows:
        gold = set(row["lemmas"].split("|"))
        expected = {key for key, lemmas in articles.items() if gold & lemmas}
        if not expected:
            continue
        checked += 1
        found = {(h.treaty_id, h.article) for h in every_hit(kb, row["form"])}
        recall = len(expected & found) / len(expected)
        if recall < 1.0:
            missed[row["form"]] = round(recall, 2)
    assert checked > 100
    assert not missed, f"recall below 1 for {missed}"


def test_search_result_is_a_struct(kb: KnowledgeBase) -> None:
    assert isinstance(search(kb, "ақпарат"), SearchResult)


def test_a_version_opened_to_serve_loads_its_search_tables_once(kb_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's holder loads the columns and the keyword index when it opens a
    version, so no request pays for them; searches then reuse them."""
    from kb import lexical, store

    loads: Counter[str] = Counter()
    table_load, index_merge = store.ProvisionTable.load, lexical.merge
    monkeypatch.setattr(store.ProvisionTable, "load", classmethod(lambda cls, conn: loads.update(["table"]) or table_load(conn)))
    monkeypatch.setattr(store, "merge", lambda parts, n: loads.update(["index"]) or index_merge(parts, n))
    base = store.CurrentKnowledgeBase(kb_root).get()
    assert loads == {"table": 1, "index": 1}
    search(base, "құпия ақпаратқа")
    search(base, "тараптар year:2017")
    assert loads == {"table": 1, "index": 1}


_PIECES = [*'"«»()*^:-+{}[]\\\'; \x00\ud800', "ақпарат", "құпия", " OR ", " AND ", "NEAR", "year:", "type:", "treaty:", "lemmas:"]
_HOSTILE = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join) | st.text(max_size=60)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_HOSTILE, year=st.none() | st.text(max_size=12), article=st.none() | st.text(max_size=8))
def test_any_query_gets_results_or_a_refusal_naming_its_parameter(kb: KnowledgeBase, text: str, year: str | None, article: str | None) -> None:
    """The whole pipeline, keyword index included, never raises anything but a
    ``QueryError`` naming a parameter, whatever the query and filter values."""
    try:
        result = search(kb, text, year=year, article=article, limit=5)
    except QueryError as exc:
        assert exc.param in ("q", "year", "article") and exc.message
        return
    assert result.total >= len(result.hits)
    assert sum(f.count for f in result.facets.treaty) == result.total


def test_long_and_empty_queries_are_refused_by_name(kb: KnowledgeBase) -> None:
    for text in ["", "   ", "ақпарат " * 2000, "!!! ??? ...", "-ақпарат"]:
        with pytest.raises(QueryError) as info:
            search(kb, text)
        assert info.value.param == "q"
