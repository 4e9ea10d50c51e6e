"""Extraction: what lawyers and negotiators ask of a parsed treaty.

Each extractor is a pure function of a ``Treaty`` (one module per idea):

- ``definitions.find_definitions`` — the terms the treaty defines;
- ``concepts.concept_id`` / ``concepts.registry`` — one concept per idea across treaties;
- ``obligations.find_obligations`` — who must, may or must not do what, by when;
- ``references.find_references`` — internal and external references;
- ``amendments.read_amendments`` — the act an amending instrument amends, and its items;
- ``clause_types.assign_clause_types`` — what kind of clause each article is;
- ``clauses.read_clauses`` — the attributes negotiators compare.

``extract(treaty)`` runs them all and returns the treaty with their findings.
"""

from __future__ import annotations

import msgspec

from ingest.model import Treaty


def extract(treaty: Treaty) -> Treaty:
    """The treaty with its definitions, references, obligations, clause types and
    clause attributes filled in."""
    from ingest.extract.amendments import read_amendments
    from ingest.extract.clause_types import assign_clause_types
    from ingest.extract.clauses import read_clauses
    from ingest.extract.definitions import find_definitions
    from ingest.extract.obligations import find_obligations
    from ingest.extract.references import find_references

    treaty = msgspec.structs.replace(treaty, definitions=find_definitions(treaty))
    references = find_references(treaty)
    amended, amendments = read_amendments(treaty, references)
    if amended is not None:  # the parts its items name are the amended act's
        references = find_references(treaty, amended)
    treaty = msgspec.structs.replace(
        treaty, references=references, amends=amended.cited if amended else None, amendments=amendments,
    )
    types = assign_clause_types(treaty)  # reads the definitions and the amendment items
    articles = tuple(msgspec.structs.replace(a, clause_types=types.get(a.num, ())) for a in treaty.articles)
    treaty = msgspec.structs.replace(treaty, articles=articles)
    return msgspec.structs.replace(treaty, obligations=find_obligations(treaty), clauses=read_clauses(treaty))
