"""Text that remembers where each of its characters came from.

Every repair rewrites the text; a lawyer's highlight or citation must still land
on the characters of the source file. ``MappedText`` carries, for each character
of the current text, the offset of the source character it stands for. Edits are
applied in one pass per repair (``apply``), by slicing, so the cost stays linear.

Rules for an edit's new characters:
- a replacement of the same length maps character for character;
- a shorter or longer replacement maps each new character to the source of the
  replaced character at the same position, the surplus to the last one;
- a pure insertion maps to the source position it was inserted at;
- a *move* carries the moved characters' own offsets (``Edit.offsets``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np


def _subsequence(new: str, old: str) -> list[int] | None:
    """Where each character of ``new`` stands in ``old``, if ``new`` is ``old`` with
    characters deleted (matched greedily, left to right)."""
    positions: list[int] = []
    j = 0
    for ch in new:
        while j < len(old) and old[j] != ch:
            j += 1
        if j == len(old):
            return None
        positions.append(j)
        j += 1
    return positions


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` with ``new``; ``offsets`` (same length as ``new``),
    when given, are the source offsets of the new characters (for moved text)."""

    start: int
    end: int
    new: str
    offsets: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class MappedText:
    """A text and, per character, the source offset it stands for (plus one end offset)."""

    text: str
    offsets: tuple[int, ...] = field(repr=False)

    @classmethod
    def identity(cls, text: str) -> "MappedText":
        return cls(text, tuple(range(len(text) + 1)))

    def __post_init__(self) -> None:
        if len(self.offsets) != len(self.text) + 1:
            raise ValueError("offsets must have one entry per character plus one")

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source range that ``text[start:end]`` came from."""
        if end <= start:
            s = self.offsets[start]
            return s, s
        inner = self.offsets[start:end]
        return min(inner), max(inner) + 1

    def apply(self, edits: Iterable[Edit]) -> "MappedText":
        """Apply non-overlapping edits (any order) in one pass."""
        ordered = sorted(edits, key=lambda e: (e.start, e.end))
        if not ordered:
            return self
        text_parts: list[str] = []
        offset_parts: list[Sequence[int]] = []
        pos = 0
        for edit in ordered:
            if edit.start < pos:
                raise ValueError(f"overlapping edits at {edit.start}")
            text_parts.append(self.text[pos : edit.start])
            offset_parts.append(self.offsets[pos : edit.start])
            text_parts.append(edit.new)
            offset_parts.append(self._offsets_for(edit))
            pos = edit.end
        text_parts.append(self.text[pos:])
        offset_parts.append(self.offsets[pos:])
        offsets: list[int] = []
        for part in offset_parts:
            offsets.extend(part)
        return MappedText("".join(text_parts), tuple(offsets))

    def _offsets_for(self, edit: Edit) -> Sequence[int]:
        if edit.offsets is not None:
            if len(edit.offsets) != len(edit.new):
                raise ValueError("moved offsets must match the moved text")
            return edit.offsets
        n = len(edit.new)
        old = self.offsets[edit.start : edit.end]
        if not old:
            return (self.offsets[edit.start],) * n
        if n < len(old):
            # a deletion ("қ о й ы л с ы н" → "қойылсын"): each kept character keeps
            # its own source offset when the new text is a subsequence of the old
            kept = _subsequence(edit.new, self.text[edit.start : edit.end])
            if kept is not None:
                return tuple(old[i] for i in kept)
            return old[:n]
        if n == len(old):
            return old
        return tuple(old) + (old[-1],) * (n - len(old))

    def sub(self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str | None]) -> "MappedText":
        """Like ``re.sub`` with a function; a ``None`` from ``repl`` keeps the match."""
        edits = []
        for match in pattern.finditer(self.text):
            new = repl(match)
            if new is not None and new != match.group(0):
                edits.append(Edit(match.start(), match.end(), new))
        return self.apply(edits)

    def sub_words(self, letters: re.Pattern[str], repl: Callable[[str], str | None]) -> "MappedText":
        """Rewrite whole words that contain a match of ``letters``; cheaper than a word
        pattern with look-aheads when such words are rare. ``repl`` gets the word."""
        text = self.text
        edits = []
        last_end = -1
        for hit in letters.finditer(text):
            if hit.start() < last_end:
                continue
            start = hit.start()
            while start > 0 and (text[start - 1].isalpha()):
                start -= 1
            end = hit.end()
            while end < len(text) and text[end].isalpha():
                end += 1
            last_end = end
            new = repl(text[start:end])
            if new is not None and new != text[start:end]:
                edits.append(Edit(start, end, new))
        return self.apply(edits)

    def runs(self) -> tuple[tuple[int, int, int], ...]:
        """The offset map as runs ``(text_start, source_start, length)`` of consecutive
        characters: compact enough to ship with the export."""
        n = len(self.text)
        if n == 0:
            return ()
        offs = np.asarray(self.offsets[:n], dtype=np.int64)
        starts = np.concatenate(([0], np.flatnonzero(np.diff(offs) != 1) + 1))
        lengths = np.diff(np.concatenate((starts, [n])))
        return tuple(zip(starts.tolist(), offs[starts].tolist(), lengths.tolist()))
