"""The HTTP face: JSON API, reader pages, OpenAPI, and the errors a client sees.

Most tests read one of two apps started once for the session (conftest.py):
``sample_client`` over hand-built treaties ("a", "b", "xss" and an empty file;
``sample_kb_root`` is its knowledge base), ``real_client`` over corpus/. The lifecycle
tests build their own knowledge bases."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient
from lxml import etree

from api.app import create_app
from kb.build import build
from tests.kb_samples import fake_parse, make_treaty, write_fake_corpus

# -- JSON ------------------------------------------------------------------------------


def test_health(sample_client: TestClient, sample_kb_root: Path) -> None:
    r = sample_client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "version": (sample_kb_root / "CURRENT").read_text().strip(), "treaties": 3}


def test_list_treaties(sample_client: TestClient) -> None:
    r = sample_client.get("/api/v1/treaties")
    assert r.status_code == 200
    rows = r.json()["items"]
    assert [t["id"] for t in rows] == ["a", "b", "xss"]
    a = rows[0]
    assert a["title"] == "Келісім a.txt"
    assert a["draft"] is False
    assert a["approval"] == {"type": "Қаулы", "number": "123", "date": "2023-03-01"}
    assert a["signed"] == {"date": "2023-03-01", "place": "Астана"}
    assert a["entry_into_force_date"] is None
    assert a["article_count"] == 5


def test_get_treaty_is_the_full_export(sample_client: TestClient, sample_kb_root: Path) -> None:
    r = sample_client.get("/api/v1/treaties/b")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    expected = make_treaty("b", title="Келісім b.txt", articles=7, source=str(sample_kb_root.parent / "corpus" / "b.txt"))
    assert r.json() == msgspec.json.decode(msgspec.json.encode(expected))
    assert msgspec.json.decode(r.content, type=type(expected)) == expected


def test_get_article(sample_client: TestClient) -> None:
    r = sample_client.get("/api/v1/treaties/a/articles/2")
    assert r.status_code == 200
    art = r.json()
    assert art["num"] == "2"
    assert art["heading"] is None
    assert art["implicit"] is False
    assert art["citation"] == "Келісім a.txt, 2-бап"
    assert [p["num"] for p in art["paragraphs"]] == ["1", "2"]
    assert [pt["kind"] for pt in art["paragraphs"][0]["points"]] == ["number", "number", "dash"]
    assert sample_client.get("/api/v1/treaties/a/articles/3").json()["heading"] == "Мақсаты"


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/treaties/nope", "treaty_id"),
        ("/api/v1/treaties/nope/articles/1", "treaty_id"),
        ("/api/v1/treaties/a/articles/99", "num"),
        ("/api/v1/treaties/a/articles/%D0%B1%D0%B0%D0%BF", "num"),
        ("/api/v1/treaties/nope/akn.xml", "treaty_id"),
    ],
)
def test_unknown_ids_are_404_naming_the_parameter(sample_client: TestClient, url: str, param: str) -> None:
    r = sample_client.get(url)
    assert r.status_code == 404
    body = r.json()
    assert body["param"] == param
    assert param in body["detail"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(treaty_id=st.text(min_size=1, max_size=300), num=st.text(min_size=1, max_size=40))
def test_no_id_makes_a_500(sample_client: TestClient, treaty_id: str, num: str) -> None:
    t = quote(treaty_id.encode("utf-8", "surrogatepass"), safe="")
    n = quote(num.encode("utf-8", "surrogatepass"), safe="")
    for url in (
        f"/api/v1/treaties/{t}",
        f"/api/v1/treaties/{t}/articles/{n}",
        f"/api/v1/treaties/a/articles/{n}",
        f"/api/v1/treaties/{t}/akn.xml",
        f"/treaties/{t}",
    ):
        assert sample_client.get(url).status_code < 500, url


def test_akn(sample_client: TestClient) -> None:
    r = sample_client.get("/api/v1/treaties/a/akn.xml")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/akn+xml")
    root = etree.fromstring(r.content)
    assert etree.QName(root).localname == "akomaNtoso"


def test_manifest(sample_client: TestClient) -> None:
    m = sample_client.get("/api/v1/manifest").json()
    assert m["counts"]["treaties"] == 3
    assert [e["source"] for e in m["errors"]] == ["empty.txt"]


def test_openapi_schema(sample_client: TestClient) -> None:
    r = sample_client.get("/schema/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    assert schema["openapi"].startswith("3.")
    assert {"/health", "/api/v1/treaties", "/api/v1/treaties/{treaty_id}", "/api/v1/treaties/{treaty_id}/articles/{num}"} <= set(schema["paths"])
    assert "/treaties/{treaty_id}" not in schema["paths"]  # HTML pages stay out of the API description
    span = schema["components"]["schemas"]["Alinea"]["properties"]["span"]
    assert span["type"] == "array" and span["minItems"] == span["maxItems"] == 2


# -- HTML ------------------------------------------------------------------------------


def test_index_page_links_every_treaty(sample_client: TestClient) -> None:
    r = sample_client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert '<html lang="kk">' in r.text
    for tid in ("a", "b", "xss"):
        assert f'href="/treaties/{tid}"' in r.text


def test_reader_page(sample_client: TestClient) -> None:
    r = sample_client.get("/treaties/a")
    assert r.status_code == 200
    html = r.text
    assert '<html lang="kk">' in html
    assert 'id="art-4"' in html and 'href="#art-4"' in html  # anchor and table of contents
    assert "<h1>Келісім a.txt</h1>" in html
    assert "Мақсаты" in html  # article heading
    assert '<span class="num">1.</span>' in html  # numbered paragraph
    assert '<span class="num">1)</span><span>ақпарат алмасуды;</span>' in html  # point, label not doubled
    assert "Тараптар, ынтымақтастықты дамыту ниетімен," in html  # preamble
    assert "екі данада жасалды" in html  # closing
    assert 'id="annex-1"' in html and "<td>A</td>" in html  # annex with its table …
    assert "A | B" not in html  # … printed once, not also as the text lines it came from
    assert "Келісімді бекіту туралы" in html  # approving act
    assert "<script" not in html


def test_reader_escapes_text(sample_client: TestClient) -> None:
    html = sample_client.get("/treaties/xss").text
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_reader_unknown_treaty_is_an_html_404(sample_client: TestClient) -> None:
    r = sample_client.get("/treaties/nope")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "treaty_id" in r.text


# -- lifecycle -------------------------------------------------------------------------


def test_no_knowledge_base_yet_is_503(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "kb")) as c:
        r = c.get("/health")
        assert r.status_code == 503
        assert r.json()["status"] == "unavailable"
        assert c.get("/api/v1/treaties").status_code == 503
        assert c.get("/schema/openapi.json").status_code == 200


def test_a_new_build_is_served_without_restart(tmp_path: Path) -> None:
    corpus = write_fake_corpus(tmp_path / "corpus", {"a.txt": 5})
    first = build(corpus, tmp_path / "kb", parse=fake_parse, progress=None)
    with TestClient(create_app(tmp_path / "kb")) as c:
        assert c.get("/health").json()["version"] == first.version
        write_fake_corpus(corpus, {"b.txt": 3})
        second = build(corpus, tmp_path / "kb", parse=fake_parse, progress=None)
        health = c.get("/health").json()
        assert health["version"] == second.version and health["treaties"] == 2


# -- the real corpus (``real_client``: the app over corpus/ built without vectors) ------------


def test_real_corpus_end_to_end(real_client: TestClient) -> None:
    treaties = real_client.get("/api/v1/treaties").json()["items"]
    assert len(treaties) == 5
    assert real_client.get("/").status_code == 200
    for t in treaties:
        full = real_client.get(f"/api/v1/treaties/{quote(t['id'], safe='')}").json()
        assert len(full["articles"]) == t["article_count"]
        page = real_client.get(f"/treaties/{quote(t['id'], safe='')}")
        assert page.status_code == 200
        for art in full["articles"]:
            r = real_client.get(f"/api/v1/treaties/{quote(t['id'], safe='')}/articles/{quote(art['num'], safe='')}")
            assert r.status_code == 200
            assert r.json()["citation"].endswith(f", {art['num']}-бап")
        if any(a["num"] == "4" for a in full["articles"]):
            assert 'id="art-4"' in page.text
        akn = real_client.get(f"/api/v1/treaties/{quote(t['id'], safe='')}/akn.xml")
        assert akn.status_code == 200
        assert akn.headers["content-type"].startswith("application/akn+xml")
