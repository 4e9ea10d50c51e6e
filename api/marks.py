"""The reader's inline marks: defined terms and cross-references in a treaty's text.

A treaty defines its terms once ("құпия ақпарат – …") and then uses them in every
inflection ("құпия ақпаратқа", "құпия ақпаратты"). The reader marks those uses, so a
reader meeting a term can see what it means (a tooltip, shown on hover and on keyboard
focus, and a ``title``) and follow it to the concept page, which compares the term
across treaties. References the parser placed ("осы Келісімнің 4-бабының
2-тармағында") become links to the article or paragraph they name, and a reference to
another act the knowledge base holds links to that treaty's page.

What is marked, and why so:

- Terms are matched by lemma runs, like ``kb.extracted.words_match``, but stricter: a
  text word matches a term word when the term word's best lemma is one of the text
  word's lemmas (``kb.tokens.lemmas_of``). Any shared lemma would do for search, but
  the lemmas include the verb an agent noun derives from, so "пайдалану" (to use)
  would be marked as the term "пайдаланушы" (user). The words of a multi-word term
  must follow each other with only spaces between them. The
  longest term wins where two start at one word ("құпия ақпаратқа қол жеткізу" over
  "құпия ақпарат").
- A term is marked at its first use in each paragraph only: a paragraph of "ақпарат"
  repeated ten times stays readable, and every paragraph still explains its terms.
- The defining instance itself is a ``<dfn>``, not a link, and a term is not marked
  inside its own definition (it would only link to the text being read). Other terms
  used inside a definition are marked: a definition built on another one is exactly
  where a reader wants to look the other one up.
- A reference wins over a term it overlaps (links never nest).
- Only the articles and the body of a text without articles are marked: the preamble
  and the closing come before or after what the definitions apply to.

Everything here works on offsets into ``Treaty.text``: each block the reader prints
knows where it starts (``api.render.Block.start``), and the parser's spans (a
reference's ``span``, a definition's ``term_span`` and ``span``) say what to mark.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Literal
from urllib.parse import quote

from markupsafe import Markup

from api.anchors import (
    BODY_ANCHOR,
    article_anchors,
    paragraph_anchor,
    paragraph_anchors,
)
from ingest.model import Definition, Reference, Treaty
from kb.tokens import WORD_RE, lemmas_of

TIP_CHARS = 320
"""A tooltip shows this much of a definition (the concept page has all of it)."""


@dataclass(frozen=True, slots=True)
class Mark:
    """One range of a block's text to wrap: ``[start, end)`` in that block."""

    start: int
    end: int
    kind: Literal["term", "ref", "dfn"]
    href: str | None = None
    tip: str | None = None
    term: str | None = None


@dataclass(frozen=True, slots=True)
class _Term:
    """A defined term as the matcher needs it: its words' lemmas, where it links, what
    its tooltip says, and the span of its own definition (not marked inside)."""

    term: str
    words: tuple[frozenset[str], ...]
    href: str
    tip: str
    own: tuple[int, int] | None


@dataclass(frozen=True, slots=True)
class _Fixed:
    """A mark placed by the parser's offsets into the treaty text."""

    start: int
    end: int
    kind: Literal["ref", "dfn"]
    href: str | None = None
    tip: str | None = None


def _tip(definition: Definition) -> str:
    text = " ".join(definition.definition.split())
    if len(text) > TIP_CHARS:
        text = text[:TIP_CHARS].rsplit(" ", 1)[0] + " …"
    return f"{' '.join(definition.term.split())}: {text}"


def reader_anchors(treaty: Treaty) -> tuple[dict[str, str], set[str], dict[str, str]]:
    """(article number → its anchor, every paragraph anchor, annex number → its anchor):
    the ids the reader page gives, so a link is made only to an id the page has."""
    articles: dict[str, str] = {}
    paragraphs: set[str] = set()
    for article, anchor in article_anchors(treaty.articles):
        articles.setdefault(article.num, anchor)
        paragraphs.update(a for _, a in paragraph_anchors(article, anchor) if a)
    if treaty.paragraphs:
        articles.setdefault("", BODY_ANCHOR)
        paragraphs.update(a for _, a in paragraph_anchors(treaty.paragraphs, BODY_ANCHOR) if a)
    annexes: dict[str, str] = {}
    for i, annex in enumerate(treaty.annexes, 1):
        annexes.setdefault(" ".join(annex.num.split()), f"annex-{i}")
    return articles, paragraphs, annexes


class ReaderMarks:
    """The marks of one treaty's reader page. Built once per page render; each
    paragraph asks for a ``Scope`` (which remembers the terms already marked in it)."""

    def __init__(self, treaty: Treaty) -> None:
        self.treaty = treaty
        self._articles, self._paragraphs, self._annexes = reader_anchors(treaty)
        self._tips = 0
        terms: list[_Term] = []
        fixed: list[_Fixed] = []
        for d in treaty.definitions:
            words = tuple(frozenset(lemmas_of(m.group())[:1]) for m in WORD_RE.finditer(d.term))
            if not words:
                continue
            own = (d.span.start, d.span.end) if d.span else None
            terms.append(_Term(d.term, words, self.definition_href(d), _tip(d), own))
            if d.term_span is not None:
                fixed.append(_Fixed(d.term_span.start, d.term_span.end, "dfn", tip=_tip(d)))
        for r in treaty.references:
            href = self.reference_href(r)
            if href is not None and r.span is not None:
                fixed.append(_Fixed(r.span.start, r.span.end, "ref", href=href, tip=r.title))
        # the longest term first, so a match at a word is the longest there
        self._terms = sorted(terms, key=lambda t: -len(t.words))
        self._fixed = sorted(fixed, key=lambda f: (f.start, -f.end))

    # -- where a mark links ------------------------------------------------------------

    def _anchor(self, article: str | None, paragraph: str | None) -> str | None:
        base = self._articles.get(" ".join(article.split())) if article is not None else None
        if base is None:
            return None
        if paragraph:
            inner = paragraph_anchor(base, paragraph)
            if inner in self._paragraphs:
                return inner
        return base

    def definition_href(self, d: Definition) -> str:
        """The concept page when the build linked the definition to a concept (it then
        compares the term across treaties); else the definition's own paragraph or
        article on this page."""
        if d.concept:
            return f"/concepts/{quote(d.concept, safe='')}"
        return "#" + (self._anchor(d.article, d.paragraph) or "")

    def reference_href(self, r: Reference) -> str | None:
        """``#art-N`` (or its paragraph, or ``#annex-N``) for a reference to this treaty;
        ``/treaties/ID`` (at the article when named) for one to a treaty the knowledge
        base holds; None for what the page cannot link (an act it lacks, a part the
        parser could not read, a number the page has no anchor for)."""
        to = r.to
        if r.kind == "internal":
            if to is None:
                return None
            if to.annex and not to.article:
                anchor = self._annexes.get(" ".join(to.annex.split()))
                return f"#{anchor}" if anchor else None
            article = to.article
            if article is None and to.paragraph:  # "осы баптың 4-тармағы": the citing article
                article = r.source.article or ""
            anchor = self._anchor(article, to.paragraph)
            return f"#{anchor}" if anchor else None
        if not r.treaty:
            return None
        href = f"/treaties/{quote(r.treaty, safe='')}"
        if to is not None and to.article:
            href += "#art-" + "-".join(to.article.split())
        return href

    # -- marking a block ----------------------------------------------------------------

    def scope(self) -> Scope:
        """A fresh paragraph: every term may be marked once again."""
        return Scope(self)

    def next_tip_id(self) -> str:
        self._tips += 1
        return f"tip-{self._tips}"

    def marks(self, text: str, start: int | None, seen: set[str]) -> list[Mark]:
        """The marks of a block of ``text`` that starts at ``start`` in the treaty text
        (None when the page could not place it: then only terms, which need no
        offsets). ``seen`` holds the terms already marked in the paragraph; the terms
        marked here are added to it."""
        end = None if start is None else start + len(text)
        out: list[Mark] = []
        taken: list[tuple[int, int]] = []
        if start is not None and end is not None:
            for f in self._fixed:
                if f.start >= start and f.end <= end and f.end > f.start and not _overlaps(taken, f.start - start, f.end - start):
                    out.append(Mark(f.start - start, f.end - start, f.kind, href=f.href, tip=f.tip))
                    taken.append((f.start - start, f.end - start))
        words = [(m.start(), m.end(), frozenset(lemmas_of(m.group()))) for m in WORD_RE.finditer(text)] if self._terms else []
        i = 0
        while i < len(words):
            found = self._term_at(text, words, i, start, taken, seen)
            if found is None:
                i += 1
                continue
            term, n = found
            s, e = words[i][0], words[i + n - 1][1]
            out.append(Mark(s, e, "term", href=term.href, tip=term.tip, term=term.term))
            taken.append((s, e))
            seen.add(term.term)
            i += n
        return sorted(out, key=lambda m: m.start)

    def _term_at(
        self,
        text: str,
        words: list[tuple[int, int, frozenset[str]]],
        i: int,
        start: int | None,
        taken: list[tuple[int, int]],
        seen: set[str],
    ) -> tuple[_Term, int] | None:
        for term in self._terms:
            n = len(term.words)
            if term.term in seen or i + n > len(words):
                continue
            run = words[i : i + n]
            if not all(a & w[2] for a, w in zip(term.words, run, strict=True)):
                continue
            if any(text[run[k][1] : run[k + 1][0]].strip() for k in range(n - 1)):
                continue  # words of one term follow each other, spaces between
            s, e = run[0][0], run[-1][1]
            if _overlaps(taken, s, e):
                continue
            if start is not None and term.own and term.own[0] <= start + s and start + e <= term.own[1]:
                continue  # inside its own definition
            return term, n
        return None

    def render(self, text: str, marks: Iterable[Mark]) -> Markup:
        """``text`` escaped, each mark wrapped: a term as a link with its tooltip, a
        reference as a link, the defining instance as ``<dfn>``."""
        parts: list[str] = []
        pos = 0
        for m in marks:
            parts.append(escape(text[pos : m.start], quote=False))
            inner = escape(text[m.start : m.end], quote=False)
            if m.kind == "dfn":
                title = f' title="{escape(m.tip)}"' if m.tip else ""
                parts.append(f"<dfn{title}>{inner}</dfn>")
            elif m.kind == "ref":
                title = f' title="{escape(m.tip)}"' if m.tip else ""
                parts.append(f'<a class="ref" href="{escape(m.href or "")}"{title}>{inner}</a>')
            else:
                tip_id = self.next_tip_id()
                tip = escape(m.tip or "")
                parts.append(
                    f'<span class="term"><a href="{escape(m.href or "")}" title="{tip}" aria-describedby="{tip_id}">{inner}</a>'
                    f'<span class="tip" role="tooltip" id="{tip_id}">{tip}</span></span>'
                )
            pos = m.end
        parts.append(escape(text[pos:], quote=False))
        return Markup("".join(parts))


@dataclass(slots=True)
class Scope:
    """One paragraph of the reader: the terms marked in it so far."""

    marks: ReaderMarks
    seen: set[str] = field(default_factory=set)

    def mark(self, text: str, start: int | None = None) -> Markup:
        """A block's text as HTML, its terms and references marked."""
        return self.marks.render(text, self.marks.marks(text, start, self.seen))


def _overlaps(taken: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(s < te and ts < e for ts, te in taken)


def reader_marks(treaty: Treaty) -> ReaderMarks:
    """The marks of ``treaty``'s reader page (a Jinja global: ``reader_marks(treaty)``)."""
    return ReaderMarks(treaty)


__all__ = ["Mark", "ReaderMarks", "Scope", "reader_anchors", "reader_marks"]
