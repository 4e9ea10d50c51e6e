"""Concept comparison: how each treaty defines one idea, side by side, every definition
cited to its words in the source file and redlined against a baseline.

A negotiator asks "how do our treaties define құпия ақпарат?" — in Kazakh in any
inflection, or as "classified information" or "секретная информация". The concept is
found by its id, by the lemmas of its Kazakh label or of any term a treaty defines it
with, or by the Snowball stems of its Russian or English label (``find_concept``). The
answer (``compare_concept``) lists, per defining treaty:

- the term as that treaty writes it, the article, the definition and its evidence (the
  quoted words, their offsets in the source file, the reader page's anchor);
- where the treaty uses the term (the articles whose text holds it, in any inflection);
- a redline of the definition against the baseline (another treaty's definition, or
  a text the user pastes), and its *drift*: ``same`` (identical once quotes, dashes and
  spacing are normalised), ``wording`` (only inflection, case or punctuation differ:
  the lemma-aware redline is empty) or ``substance``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ingest.model import Span
from kb.errors import NotFound, QueryError
from kb.expansion import same_stem, stems
from kb.query import term_of
from kb.records import ConceptRecord, reader_url
from kb.redline import Redline, redline
from kb.store import KnowledgeBase
from kb.tokens import WORD_RE, lemmas_of

Drift = Literal["same", "wording", "substance"]
MAX_TERM = 200


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a value comes from: the treaty, article, the quoted words (repaired text),
    their offsets in the decoded source file, and the reader page's anchor."""

    treaty_id: str
    article: str
    quote: str
    source_start: int | None
    source_end: int | None
    anchor: str

    def where(self) -> str:
        """How a report cites it: "13-бап, source characters 14150–14463" ("" for a
        pasted draft, which has no article)."""
        if not self.article:
            return ""
        out = f"{self.article}-бап"
        if self.source_start is not None:
            out += f", source characters {self.source_start}–{self.source_end}"
        return out


@dataclass(frozen=True, slots=True)
class DefinitionRow:
    treaty_id: str
    treaty_title: str
    article: str
    term: str
    definition: str
    evidence: Evidence
    used_in: tuple[str, ...]
    """The articles whose text holds the term, in treaty order."""
    redline: Redline | None
    drift: Drift | None
    """Against the baseline; None for the baseline itself."""


@dataclass(frozen=True, slots=True)
class ConceptComparison:
    version: str
    concept: ConceptRecord
    baseline: str
    """The treaty id whose definition is the baseline, or "text" for a pasted one."""
    baseline_text: str
    rows: tuple[DefinitionRow, ...]

    @property
    def drift(self) -> bool:
        """Whether some treaty defines the concept differently in substance."""
        return any(r.drift == "substance" for r in self.rows)


def word_lemmas(text: str) -> list[frozenset[str]]:
    return [frozenset(lemmas_of(m.group())) for m in WORD_RE.finditer(text)]


def _kazakh_match(asked: list[frozenset[str]], label: str) -> bool:
    words = word_lemmas(label)
    return len(words) == len(asked) and all(a & w for a, w in zip(asked, words, strict=True))


def foreign_match(asked: tuple[str, ...], label: str) -> bool:
    wanted = stems(label)
    return bool(wanted) and len(wanted) == len(asked) and all(any(same_stem(s, a) for a in asked) for s in wanted)


def find_concept(kb: KnowledgeBase, term: str) -> ConceptRecord:
    """The concept ``term`` names: its id, its Kazakh label or a defined term in any
    inflection, or its Russian or English label. ``NotFound`` (param ``term``) when
    none does; ``QueryError`` for an empty or overlong term."""
    text = " ".join(str(term).split())
    if not text or len(text) > MAX_TERM:
        raise QueryError(f"term: give a concept id or label of 1 to {MAX_TERM} characters", "term")
    concepts = kb.list_concepts()
    for concept in concepts:
        if concept.id == text:
            return concept
    asked = word_lemmas(text)
    foreign = stems(text)
    terms: dict[str, set[str]] = {}
    for d in kb.definitions():
        if d.concept_id:
            terms.setdefault(d.concept_id, set()).add(d.term)
    for concept in concepts:
        kazakh = [concept.label, concept.labels.get("kk", ""), *sorted(terms.get(concept.id, ()))]
        if asked and any(label and _kazakh_match(asked, label) for label in kazakh):
            return concept
    for concept in concepts:
        if foreign and any(foreign_match(foreign, concept.labels.get(lang, "")) for lang in ("ru", "en")):
            return concept
    raise NotFound("term", text, f"no concept is called {text!r}; GET /api/v1/concepts lists them")


def evidence(kb: KnowledgeBase, treaty_id: str, article: str, span: tuple[int, int] | None, fallback: str) -> Evidence:
    """The evidence of a value found at ``span`` of a treaty's repaired text: those
    words, and where they lie in the source file (``fallback`` quoted, without offsets,
    when the parse could not place the value)."""
    anchor = reader_url(treaty_id, article)
    if span is None:
        return Evidence(treaty_id, article, fallback, None, None, anchor)
    quote = kb.treaty_text(treaty_id)[span[0] : span[1]]
    mapped = kb.source_mapper(treaty_id).source_span(Span(*span))
    return Evidence(treaty_id, article, quote, mapped.start, mapped.end, anchor)


def used_in(kb: KnowledgeBase, treaty_id: str, term: str) -> tuple[str, ...]:
    """The articles of a treaty whose text holds ``term``, its words in a row in any
    inflection (the keyword index's phrase match)."""
    query = term_of(term)
    table = kb.provision_table()
    if query is None or treaty_id not in table.treaty_ids:
        return ()
    found = kb.lexical_index().term(query)[0]
    found &= (table.treaty == table.treaty_ids.index(treaty_id)) & (table.level == 0)
    return tuple(dict.fromkeys(table.article_nums[table.article_num[d]] for d in np.flatnonzero(found)))


def drift(old: str, new: str) -> tuple[Redline, Drift]:
    """The redline from ``old`` to ``new`` and what kind of difference it is."""
    shown = redline(old, new)
    if shown.same:
        return shown, "same"
    if redline(old, new, ignore_case=True, ignore_punctuation=True, lemmas=True).same:
        return shown, "wording"
    return shown, "substance"


def compare_concept(kb: KnowledgeBase, term: str, *, baseline: str | None = None, baseline_text: str | None = None) -> ConceptComparison:
    """Every treaty's definition of the concept ``term`` names, redlined against the
    baseline: the definition of treaty ``baseline``, or ``baseline_text`` (a draft), or
    by default the first treaty's."""
    concept = find_concept(kb, term)
    definitions = kb.definitions(concept.id)
    titles = kb.treaty_titles()
    if baseline_text is not None:
        base_id, base = "text", " ".join(baseline_text.split())
        if not base:
            raise QueryError("baseline_text is empty", "baseline_text")
    elif baseline is not None:
        chosen = next((d for d in definitions if d.treaty_id == baseline), None)
        if chosen is None:
            raise NotFound("baseline", baseline, f"treaty {baseline!r} does not define {concept.label!r}")
        base_id, base = chosen.treaty_id, chosen.definition
    elif definitions:
        base_id, base = definitions[0].treaty_id, definitions[0].definition
    else:
        base_id, base = "", ""
    rows = []
    for d in definitions:
        if d.treaty_id == base_id and d.definition == base:
            shown, kind = None, None
        else:
            shown, kind = drift(base, d.definition)
        rows.append(
            DefinitionRow(
                treaty_id=d.treaty_id,
                treaty_title=" ".join(titles.get(d.treaty_id, "").split()),
                article=d.article,
                term=d.term,
                definition=d.definition,
                evidence=evidence(kb, d.treaty_id, d.article, d.span, d.definition),
                used_in=used_in(kb, d.treaty_id, d.term),
                redline=shown,
                drift=kind,
            )
        )
    return ConceptComparison(kb.version, concept, base_id, base, tuple(rows))


__all__ = [
    "ConceptComparison",
    "DefinitionRow",
    "Drift",
    "Evidence",
    "compare_concept",
    "drift",
    "evidence",
    "find_concept",
    "foreign_match",
    "used_in",
    "word_lemmas",
]
