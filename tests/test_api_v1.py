"""The whole knowledge base over ``/api/v1``: definitions, obligations, references,
plain text, similar provisions, batches, the NDJSON export, ``fields=`` and
``group=article``, and the HTTP behaviour every route shares (RFC 9457 problems,
ETag/304, gzip, CORS, cursor paging)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from api.app import create_app

TURKMEN = "2017-kupiia-akparatty-ozara-korgau"
DISPUTE = (
    "Осы Келісімді түсіндіру немесе қолдану кезінде туындайтын даулар Тараптар арасындағы "
    "консультациялар мен келіссөздер арқылы шешіледі."
)


def _all_pages(client: TestClient, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(200):
        r = client.get(path, params={**params, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        body = r.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            assert len(items) == body["total"]
            return items
    raise AssertionError("paging did not end")


# -- definitions ------------------------------------------------------------------------


@pytest.mark.parametrize("term", ["құпия ақпаратқа", "ҚҰПИЯ АҚПАРАТ", "classified information", "секретная информация"])
def test_definitions_by_term_in_any_inflection_or_language(real_client: TestClient, term: str) -> None:
    r = real_client.get("/api/v1/definitions", params={"term": term})
    assert r.status_code == 200
    items = r.json()["items"]
    assert {d["term"].lower() for d in items} >= {"құпия ақпарат"}
    for d in items:
        assert d["citation"].endswith(f"{d['article']}-бап") and d["url"] == f"/treaties/{d['treaty_id']}#art-{d['article']}"


def test_definitions_filter_by_treaty_and_concept(real_client: TestClient) -> None:
    mine = real_client.get("/api/v1/definitions", params={"treaty": TURKMEN, "limit": 500}).json()["items"]
    assert mine and {d["treaty_id"] for d in mine} == {TURKMEN}
    concept = next(d["concept_id"] for d in mine if d["term"] == "құпия ақпарат")
    same = real_client.get("/api/v1/definitions", params={"concept": concept}).json()["items"]
    assert {d["concept_id"] for d in same} == {concept} and len({d["treaty_id"] for d in same}) >= 2


def test_definition_source_span_points_at_the_definition_in_the_source(real_client: TestClient, repo_root: Path) -> None:
    item = real_client.get("/api/v1/definitions", params={"treaty": TURKMEN, "term": "құпия ақпарат"}).json()["items"][0]
    source = next((repo_root / "corpus").glob("004_*")).read_bytes().decode("utf-8")
    start, end = item["source_span"]
    assert item["definition"].split()[0] in source[start:end]


def test_definitions_pages_concatenate_to_the_whole_list(real_client: TestClient) -> None:
    whole = real_client.get("/api/v1/definitions", params={"limit": 500}).json()["items"]
    paged = _all_pages(real_client, "/api/v1/definitions", {"limit": 7})
    assert [d["id"] for d in paged] == [d["id"] for d in whole] and len(whole) > 7


# -- obligations ------------------------------------------------------------------------


def test_obligations_filters(real_client: TestClient) -> None:
    every = _all_pages(real_client, "/api/v1/obligations", {"limit": 500})
    by_actor = real_client.get("/api/v1/obligations", params={"actor": "тарап", "limit": 500}).json()["items"]
    assert by_actor and all("тарап" in (o["actor"] or "").lower() for o in by_actor)
    assert len(by_actor) < len(every)
    banned = real_client.get("/api/v1/obligations", params={"modality": "prohibition", "limit": 500}).json()["items"]
    assert banned and {o["modality"] for o in banned} == {"prohibition"}
    timed = real_client.get("/api/v1/obligations", params={"has_deadline": "true", "limit": 500}).json()["items"]
    assert timed and all(o["deadline"] for o in timed)
    untimed = real_client.get("/api/v1/obligations", params={"has_deadline": "false", "limit": 500}).json()["items"]
    assert len(timed) + len(untimed) == len(every)
    disputes = real_client.get("/api/v1/obligations", params={"type": "dispute_resolution", "limit": 500}).json()["items"]
    assert disputes and all("dispute_resolution" in o["clause_types"] for o in disputes)
    point = next(o for o in every if o["point"])
    assert point["citation"].endswith(f"{point['point']}) тармақша")


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"modality": "must"}, "modality"),
        ({"has_deadline": "maybe"}, "has_deadline"),
        ({"type": "nope"}, "type"),
        ({"treaty": "nope"}, "treaty"),
        ({"limit": "0"}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"cursor": "garbage"}, "cursor"),
    ],
)
def test_obligation_refusals_are_problems_naming_the_parameter(real_client: TestClient, params: dict[str, str], param: str) -> None:
    r = real_client.get("/api/v1/obligations", params=params)
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == 400 and body["param"] == param and body["title"] and body["detail"]
    assert body["invalid_params"][0]["name"] == param


def test_a_cursor_is_bound_to_its_filters(real_client: TestClient) -> None:
    cursor = real_client.get("/api/v1/obligations", params={"limit": 2}).json()["next_cursor"]
    assert real_client.get("/api/v1/obligations", params={"limit": 2, "cursor": cursor}).status_code == 200
    r = real_client.get("/api/v1/obligations", params={"limit": 2, "cursor": cursor, "modality": "permission"})
    assert r.status_code == 400 and r.json()["param"] == "cursor"


# -- references, plain text, export, treaties and concepts as pages ---------------------------


def test_references_into_and_out_of_an_article(real_client: TestClient) -> None:
    into = real_client.get(f"/api/v1/treaties/{TURKMEN}/articles/2/references").json()
    assert into["incoming"] and all(r["to_article"] == "2" and r["kind"] == "internal" for r in into["incoming"])
    source = into["incoming"][0]
    out = real_client.get(f"/api/v1/treaties/{TURKMEN}/articles/{source['from_article']}/references").json()
    assert any(r["to_url"] == f"/treaties/{TURKMEN}#art-2" for r in out["outgoing"])
    assert real_client.get(f"/api/v1/treaties/{TURKMEN}/articles/999/references").json()["param"] == "num"


def test_article_as_plain_text(real_client: TestClient) -> None:
    r = real_client.get(f"/api/v1/treaties/{TURKMEN}/articles/13/text")
    assert r.status_code == 200 and r.headers["content-type"] == "text/plain; charset=utf-8"
    article = real_client.get(f"/api/v1/treaties/{TURKMEN}/articles/13").json()
    assert r.text.splitlines()[0] == article["citation"] and article["text"] in r.text


def test_export_streams_every_treaty_as_a_line(real_client: TestClient) -> None:
    r = real_client.get("/api/v1/export")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in r.text.splitlines()]
    treaties = real_client.get("/api/v1/treaties").json()["items"]
    assert [line["treaty"]["id"] for line in lines] == [t["id"] for t in treaties]
    turkmen = next(line["treaty"] for line in lines if line["treaty"]["id"] == TURKMEN)
    assert turkmen["articles"] and turkmen["definitions"] and turkmen["obligations"]
    assert {line["type"] for line in lines} == {"treaty"}


def test_treaties_and_concepts_are_paged(real_client: TestClient) -> None:
    whole = real_client.get("/api/v1/treaties").json()
    assert [t["id"] for t in _all_pages(real_client, "/api/v1/treaties", {"limit": 2})] == [t["id"] for t in whole["items"]]
    concepts = real_client.get("/api/v1/concepts").json()
    assert [c["id"] for c in _all_pages(real_client, "/api/v1/concepts", {"limit": 3})] == [c["id"] for c in concepts["items"]]


# -- search: fields= and group=article ----------------------------------------------------


def test_search_fields_keep_answers_small(real_client: TestClient) -> None:
    full = real_client.get("/api/v1/search", params={"q": "құпия ақпаратқа", "limit": 3}).json()
    small = real_client.get("/api/v1/search", params={"q": "құпия ақпаратқа", "limit": 3, "fields": "id,citation"}).json()
    assert [set(h) for h in small["hits"]] == [{"id", "citation"}] * 3
    assert [h["id"] for h in small["hits"]] == [h["id"] for h in full["hits"]]
    assert "facets" in full and "facets" not in small
    with_facets = real_client.get("/api/v1/search", params={"q": "ақпарат", "fields": "id,facets"}).json()
    assert with_facets["facets"]["treaty"]
    r = real_client.get("/api/v1/search", params={"q": "ақпарат", "fields": "id,password"})
    assert r.status_code == 400 and r.json()["param"] == "fields"


def test_search_grouped_by_article_gives_each_article_once_with_its_next_best(real_client: TestClient) -> None:
    body = real_client.get("/api/v1/search", params={"q": "құпия ақпарат", "group": "article", "limit": 20}).json()
    places = [(h["treaty_id"], h["article"]) for h in body["hits"]]
    assert len(places) == len(set(places))
    with_more = [h for h in body["hits"] if h["more"]]
    assert with_more
    for hit in with_more:
        assert len(hit["more"]) <= 3 and all(m["score"] <= hit["score"] for m in hit["more"])
        assert all(m["id"] != hit["id"] and m["citation"].startswith(hit["citation"].split(", ")[0]) for m in hit["more"])
    ungrouped = real_client.get("/api/v1/search", params={"q": "құпия ақпарат", "limit": 100}).json()
    assert ungrouped["total"] > body["total"] and all(not h["more"] for h in ungrouped["hits"])


# -- drafting: similar and batch -------------------------------------------------------------


def test_similar_finds_dispute_clauses_with_reasons(vector_client: TestClient) -> None:
    r = vector_client.post("/api/v1/similar", json={"text": DISPUTE, "limit": 5})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["draft_types"][0] == "dispute_resolution"
    top = body["hits"][0]
    assert "dispute_resolution" in top["clause_types"] and top["reason"]["same_type"] == ["dispute_resolution"]
    assert 0.5 < top["reason"]["vector_score"] <= 1.0
    assert {"келіссөздер", "шешіледі"} & set(top["reason"]["shared_terms"])
    assert top["citation"] and top["url"].startswith(f"/treaties/{top['treaty_id']}#art-")


@pytest.mark.parametrize(
    ("body", "param"),
    [({"text": "x" * 4001}, "text"), ({"text": "  "}, "text"), ({"text": DISPUTE, "limit": 0}, "limit"), ({"txt": DISPUTE}, "txt"), ({"text": 5}, "text")],
)
def test_similar_refusals_name_the_field(vector_client: TestClient, body: dict[str, Any], param: str) -> None:
    r = vector_client.post("/api/v1/similar", json=body)
    assert r.status_code == 400 and r.headers["content-type"].startswith("application/problem+json")
    assert param in {r.json().get("param"), *(p["name"] for p in r.json().get("invalid_params") or [])}


def test_batch_resolves_ids_paths_and_citations_in_order(real_client: TestClient) -> None:
    hit = real_client.get("/api/v1/search", params={"q": "даулар келіссөздер", "limit": 1}).json()["hits"][0]
    article = real_client.get(f"/api/v1/treaties/{TURKMEN}/articles/13").json()
    four = real_client.get(f"/api/v1/treaties/{TURKMEN}/articles/4").json()
    refs = [hit["id"], f"{TURKMEN}/13", article["citation"], f"{TURKMEN}/4/1", f"{TURKMEN}/404", "no such thing"]
    r = real_client.post("/api/v1/provisions:batch", json={"refs": refs})
    assert r.status_code == 200
    items = r.json()["items"]
    assert [i["found"] for i in items] == [True, True, True, True, False, False]
    assert items[1]["text"] == article["text"] == items[2]["text"]
    assert items[3]["text"] == four["paragraphs"][0]["text"] and items[3]["citation"].endswith("4-бап, 1-тармақ")
    assert items[0]["treaty_id"] == hit["treaty_id"] and items[0]["article"] == hit["article"]
    assert "404" in items[4]["error"]


def test_batch_limits(real_client: TestClient) -> None:
    r = real_client.post("/api/v1/provisions:batch", json={"refs": [f"{TURKMEN}/1"] * 101})
    assert r.status_code == 400 and r.json()["param"] == "refs"
    assert real_client.post("/api/v1/provisions:batch", json={"refs": []}).status_code == 400
    assert real_client.post("/api/v1/provisions:batch", content=b"{not json", headers={"content-type": "application/json"}).status_code == 400
    huge = real_client.post("/api/v1/provisions:batch", content=b'{"refs": ["' + b"a" * 300_000 + b'"]}', headers={"content-type": "application/json"})
    assert huge.status_code == 413 and huge.headers["content-type"].startswith("application/problem+json")


# -- what every route shares ---------------------------------------------------------------


def test_etag_and_304_on_revalidation(real_client: TestClient) -> None:
    r = real_client.get(f"/api/v1/treaties/{TURKMEN}/articles/13")
    tag = r.headers["etag"]
    assert tag.startswith('W/"') and "must-revalidate" in r.headers["cache-control"]
    assert r.headers["x-kelisim-version"] == real_client.get("/health").json()["version"]
    again = real_client.get(f"/api/v1/treaties/{TURKMEN}/articles/13", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    other = real_client.get(f"/api/v1/treaties/{TURKMEN}/articles/12", headers={"If-None-Match": tag})
    assert other.status_code == 200 and other.headers["etag"] != tag
    markdown = real_client.get("/api/v1/compare/clauses", params={"type": "withdrawal"}, headers={"Accept": "text/markdown"})
    json_ = real_client.get("/api/v1/compare/clauses", params={"type": "withdrawal"})
    assert markdown.headers["etag"] != json_.headers["etag"]
    assert "etag" not in real_client.get("/api/v1/treaties/nope").headers


def test_a_new_version_changes_every_tag(tmp_path: Path) -> None:
    from kb.build import build
    from tests.kb_samples import fake_parse, write_fake_corpus

    corpus = write_fake_corpus(tmp_path / "corpus", {"a.txt": 3})
    build(corpus, tmp_path / "kb", parse=fake_parse, progress=None)
    with TestClient(create_app(tmp_path / "kb")) as client:
        first = client.get("/api/v1/treaties/a/articles/1").headers["etag"]
        build(corpus, tmp_path / "kb", parse=fake_parse, progress=None)
        r = client.get("/api/v1/treaties/a/articles/1", headers={"If-None-Match": first})
        assert r.status_code == 200 and r.headers["etag"] != first


def test_gzip_when_accepted(real_client: TestClient) -> None:
    r = real_client.get("/api/v1/export", headers={"Accept-Encoding": "gzip"})
    assert r.headers.get("content-encoding") == "gzip"
    raw = real_client.get("/api/v1/treaties", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    import httpx

    transport = real_client.get("/api/v1/treaties", headers={"Accept-Encoding": "gzip"})
    assert isinstance(transport, httpx.Response) and json.loads(transport.text)["items"]
    assert gzip.decompress(gzip.compress(b"x")) == b"x"


def test_cors_is_off_by_default_and_configurable(real_kb_root: Path) -> None:
    origin = {"Origin": "https://drafts.example.kz"}
    with TestClient(create_app(real_kb_root)) as closed:
        assert "access-control-allow-origin" not in closed.get("/api/v1/treaties", headers=origin).headers
    with TestClient(create_app(real_kb_root, cors_origins=["https://drafts.example.kz"])) as open_:
        assert open_.get("/api/v1/treaties", headers=origin).headers["access-control-allow-origin"] == "https://drafts.example.kz"
        other = open_.get("/api/v1/treaties", headers={"Origin": "https://evil.example"})
        assert other.headers.get("access-control-allow-origin") != "https://evil.example"


def test_unknown_routes_and_methods_are_problems(real_client: TestClient) -> None:
    for r, status in ((real_client.get("/api/v1/nothing"), 404), (real_client.delete("/api/v1/treaties"), 405)):
        assert r.status_code == status and r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["status"] == status


def test_openapi_documents_every_route_with_its_problems(real_client: TestClient) -> None:
    schema = real_client.get("/schema/openapi.json").json()
    for path in (
        "/api/v1/definitions",
        "/api/v1/obligations",
        "/api/v1/treaties/{treaty_id}/articles/{num}/references",
        "/api/v1/treaties/{treaty_id}/articles/{num}/text",
        "/api/v1/similar",
        "/api/v1/provisions:batch",
        "/api/v1/export",
    ):
        assert path in schema["paths"], path
        for operation in schema["paths"][path].values():
            assert "400" in operation["responses"] and "application/problem+json" in operation["responses"]["400"]["content"]
    params = {p["name"]: p for p in schema["paths"]["/api/v1/definitions"]["get"]["parameters"]}
    assert params["term"]["examples"] and params["term"]["description"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    key=st.sampled_from(["treaty", "term", "concept", "actor", "modality", "has_deadline", "type", "limit", "cursor"]),
    value=st.text(max_size=300),
)
def test_any_filter_value_is_an_answer_or_a_named_refusal(real_client: TestClient, key: str, value: str) -> None:
    for path in ("/api/v1/definitions", "/api/v1/obligations"):
        r = real_client.get(path, params={key: value})
        assert r.status_code in (200, 400, 404), (path, key, value, r.text)
        if r.status_code != 200:
            assert r.json()["param"]


def test_similar_without_vectors_ranks_by_any_of_the_drafts_words(real_client: TestClient) -> None:
    """A knowledge base built without vectors still answers a paraphrased draft: its
    words are OR-ed (no provision holds every word of someone else's draft)."""
    r = real_client.post("/api/v1/similar", json={"text": DISPUTE, "limit": 3})
    assert r.status_code == 200, r.text
    hits = r.json()["hits"]
    assert hits and "dispute_resolution" in hits[0]["clause_types"] and hits[0]["reason"]["vector_score"] is None


def test_an_unknown_concept_is_refused_as_concept(real_client: TestClient) -> None:
    r = real_client.get("/api/v1/definitions", params={"concept": "no such idea"})
    assert r.status_code == 400 and r.json()["param"] == "concept"
