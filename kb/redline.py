"""Redlines: what changed between two texts, word by word, as a list of edits every
renderer (HTML ``<del>/<ins>``, Markdown, Word tracked changes) reads the same way.

Why words and not characters: a negotiator reads "алты ай" → "үш ай" as one word
changed, not as letters; why not lines: a treaty paragraph is one long line. The texts
are first made comparable: typographic quotes and dashes become plain ones and any run
of whitespace one space, so a retyped draft does not show the typesetting as changes.
A word is ``kb.tokens.WORD_RE`` (Kazakh letters are word characters, "16-бап" one
word); every other non-space character is a token of its own.

Options, for what a comparison should not count as a change:

- ``ignore_case``: "Тараптар" and "тараптар" are the same word;
- ``ignore_punctuation``: punctuation is carried along with the word before it and
  never compared;
- ``ignore_numbering``: a paragraph or point number at the start ("1.", "2)", "а)")
  is carried along the same way;
- ``lemmas``: words compare by their best lemma (``kb.tokens.lemmas_of``), so
  "құпия ақпаратты" and "құпия ақпаратқа" are the same words: what is left is a change
  of substance, not of inflection (``kb.concepts`` calls that drift).

The diff is ``difflib.SequenceMatcher`` over the comparison keys (junk heuristics
off: in a legal text a frequent word is not junk).
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from typing import Literal

from kb.tokens import WORD_RE, fold, lemmas_of

EditKind = Literal["equal", "delete", "insert"]

_TYPOGRAPHY = str.maketrans({
    "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"', "‘": "'", "’": "'", "‚": "'",
    "–": "-", "—": "-", "‒": "-", "―": "-", "−": "-", "\u00a0": " ", "\u202f": " ",
})
_TOKEN = re.compile(rf"{WORD_RE.pattern}|[^\s]")
_NUMBERING = re.compile(r"^(?:\d+(?:[.-]\d+)*[.)]|[а-яәғқңөұүһі][.)]|[-•])\s*", re.IGNORECASE)


def normalise(text: str) -> str:
    """Plain quotes and dashes, one space for any run of whitespace, no edges."""
    return " ".join(text.translate(_TYPOGRAPHY).split())


@dataclass(frozen=True, slots=True)
class Edit:
    """A run of the text that is the same in both (``equal``), only in the old one
    (``delete``) or only in the new one (``insert``), with its spacing as printed."""

    kind: EditKind
    text: str


@dataclass(frozen=True, slots=True)
class Redline:
    """The edits that turn ``old`` into ``new``, in order."""

    edits: tuple[Edit, ...]

    @property
    def changes(self) -> int:
        """The number of deletions and insertions: what Word's Review pane counts."""
        return sum(1 for e in self.edits if e.kind != "equal")

    @property
    def same(self) -> bool:
        return self.changes == 0

    def old(self) -> str:
        return "".join(e.text for e in self.edits if e.kind != "insert").strip()

    def new(self) -> str:
        return "".join(e.text for e in self.edits if e.kind != "delete").strip()

    def html(self) -> str:
        out = []
        for e in self.edits:
            text = html.escape(e.text)
            out.append(text if e.kind == "equal" else f"<{e.kind[:3]}>{text}</{e.kind[:3]}>")
        return "".join(out).strip()

    def markdown(self) -> str:
        """Deletions struck through, insertions in bold (Markdown has no underline)."""
        out = []
        for e in self.edits:
            core, space = e.text.rstrip(), e.text[len(e.text.rstrip()) :]
            if e.kind == "equal" or not core:
                out.append(e.text)
            else:
                out.append(("~~" if e.kind == "delete" else "**") + core + ("~~" if e.kind == "delete" else "**") + space)
        return "".join(out).strip()


@dataclass(frozen=True, slots=True)
class _Token:
    key: str
    text: str
    """As printed, with the spacing and any carried punctuation or numbering after it."""


def _tokens(text: str, *, ignore_case: bool, ignore_punctuation: bool, ignore_numbering: bool, lemmas: bool) -> list[_Token]:
    text = normalise(text)
    head = ""
    if ignore_numbering and (m := _NUMBERING.match(text)):
        head, text = m.group(0), text[m.end() :]
    out: list[_Token] = []
    carried = head
    for m in _TOKEN.finditer(text):
        piece = m.group(0)
        end = m.end()
        spacing = " " if end < len(text) and text[end] == " " else ""
        is_word = WORD_RE.fullmatch(piece) is not None
        if not is_word and ignore_punctuation:
            if out:
                last = out[-1]
                out[-1] = _Token(last.key, last.text + piece + spacing)
            else:
                carried += piece + spacing
            continue
        if is_word and lemmas:
            key = lemmas_of(piece)[0]
        elif ignore_case or lemmas:
            key = fold(piece) if is_word else piece
        else:
            key = piece
        out.append(_Token(key, carried + piece + spacing))
        carried = ""
    if carried and out:
        out[-1] = _Token(out[-1].key, out[-1].text + carried)
    return out


def _slide(runs: list[tuple[EditKind, list[_Token]]]) -> None:
    """Move a lone insertion or deletion to where a reader expects it. The matcher may
    align an inserted sentence's full stop with the full stop after it
    ("шешіледі[. Егер … беріледі]." instead of "шешіледі. [Егер … беріледі.]"): while the
    run begins as the text after it begins, the equal token moves before the run and
    the run ends with it instead. The texts and the edits' kinds stay the same."""
    for i in range(1, len(runs) - 1):
        kind, run = runs[i]
        before, after = runs[i - 1], runs[i + 1]
        if kind == "equal" or before[0] != "equal" or after[0] != "equal":
            continue
        while run and after[1] and run[0].key == after[1][0].key:
            before[1].append(after[1].pop(0))
            run.append(run.pop(0))


def redline(
    old: str,
    new: str,
    *,
    ignore_case: bool = False,
    ignore_punctuation: bool = False,
    ignore_numbering: bool = False,
    lemmas: bool = False,
) -> Redline:
    """The word-level edits from ``old`` to ``new`` (see the module's options). Equal
    runs print as ``new`` prints them."""
    options = {"ignore_case": ignore_case, "ignore_punctuation": ignore_punctuation, "ignore_numbering": ignore_numbering, "lemmas": lemmas}
    a, b = _tokens(old, **options), _tokens(new, **options)
    matcher = difflib.SequenceMatcher(None, [t.key for t in a], [t.key for t in b], autojunk=False)
    runs: list[tuple[EditKind, list[_Token]]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("equal", b[j1:j2]))
        else:
            if i2 > i1:
                runs.append(("delete", a[i1:i2]))
            if j2 > j1:
                runs.append(("insert", b[j1:j2]))
    _slide(runs)
    edits: list[Edit] = []
    for kind, tokens in runs:
        if not tokens:
            continue
        text = "".join(t.text for t in tokens)
        if edits and edits[-1].kind == kind:
            edits[-1] = Edit(kind, edits[-1].text + text)
        else:
            edits.append(Edit(kind, text))
    return Redline(tuple(edits))


__all__ = ["Edit", "EditKind", "Redline", "normalise", "redline"]
