"""The fragment ids of the reader page (``/treaties/{id}``): an article is ``art-N``,
its numbered paragraph ``art-N-pM``, the body of a text without articles ``body``. Every
page that links into the reader (search hits, obligations, comparisons, the reader's own
cross-references) builds its links here, so a link and the id it targets cannot drift
apart."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from ingest.model import Article, Paragraph


def bare(num: str | None) -> str:
    """A printed number without its trailing "." or ")"."""
    return " ".join((num or "").split()).rstrip(".)").strip()


BODY_ANCHOR = "body"
"""The fragment id of the body of a text without articles (``Treaty.paragraphs``); its
paragraphs are ``body-pN``. A search hit in it has the article number ""."""


def article_anchor(num: str) -> str:
    """The fragment id of the (first) article numbered ``num`` on the reader page,
    ``art-N`` with whitespace as "-": what a link from elsewhere (a search hit) targets.
    No number is the body of a text without articles."""
    return "art-" + "-".join(num.split()) if num.strip() else BODY_ANCHOR


def paragraph_anchor(article_anchor: str, num: str) -> str:
    """The fragment id of a numbered paragraph: its article's and ``-pN`` ("art-4-p2"),
    so a search hit or a citation can point at the paragraph itself."""
    return f"{article_anchor}-p" + ("-".join(bare(num).split()) or "x")


def paragraph_anchors(article: Article | Iterable[Paragraph], article_anchor: str) -> list[tuple[Paragraph, str | None]]:
    """Each paragraph of an article (or of the body of a text without articles) with
    its fragment id; None for an unnumbered one, and for a number seen before in the
    same article (a parser hiccup), so ids stay unique and a link goes to the first."""
    used: set[str] = set()
    out: list[tuple[Paragraph, str | None]] = []
    for paragraph in article.paragraphs if isinstance(article, Article) else article:
        anchor = paragraph_anchor(article_anchor, paragraph.num) if paragraph.num else None
        if anchor in used:
            anchor = None
        if anchor:
            used.add(anchor)
        out.append((paragraph, anchor))
    return out


def article_anchors(articles: Iterable[Article]) -> list[tuple[Article, str]]:
    """Each article with its fragment id, ``art-N`` (``article_anchor``); a repeated
    number (a parser hiccup) gets a suffix, so every anchor is a valid, unique id."""
    used: set[str] = set()
    out: list[tuple[Article, str]] = []
    for article in articles:
        base = article_anchor(article.num)
        anchor, n = base, 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        out.append((article, anchor))
    return out


def provision_href(treaty_id: str, article: str, paragraph: str | None = None) -> str:
    """The reader page of a treaty at a provision: its numbered paragraph when it has
    one, else its article (a point has no anchor of its own: its paragraph's is the
    nearest)."""
    anchor = article_anchor(article)
    return f"/treaties/{quote(treaty_id, safe='')}#" + (paragraph_anchor(anchor, paragraph) if paragraph else anchor)


__all__ = ["BODY_ANCHOR", "article_anchor", "article_anchors", "bare", "paragraph_anchor", "paragraph_anchors", "provision_href"]
