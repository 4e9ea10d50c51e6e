"""Undo the extraction damage of the legal database's text exports.

Each damage class of ``docs/source-texts.md`` has one named repair here: a
function ``MappedText -> MappedText`` that rewrites only what it must and keeps
every character's source offset (``ingest.mapped``). ``repair`` runs them in an
order where each one sees the shape it expects:

1. per source line, before lines are joined (the damage is line-bound):
   Unicode and space normalisation, bookmarks, displaced list dashes, displaced
   definition terms, displaced link words, a reference split at a hyphen;
2. per word: Latin letters inside Cyrillic words, letter-spaced words;
3. line structure: hard wraps and page breaks are joined into logical lines
   (one paragraph, heading or list item a line);
4. with the document's own vocabulary: words split inside a double-spaced run,
   glued words, "ү" printed for "ұ".

The vocabulary-driven repairs only act when the document itself confirms the
result (the repaired form occurs elsewhere in it), so they cannot invent words.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ingest.kk.morphology import is_known
from ingest.mapped import Edit, MappedText
from ingest.patterns import CYRILLIC, TERMINAL, is_structural_header

Repair = Callable[[MappedText], MappedText]


# 1. Characters and lines ---------------------------------------------------------------

_LINE_ENDS = re.compile(r"\r\n?|\u2028|\u2029|\x0b|\x0c")
_ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_COMBINING = re.compile(r".[\u0300-\u036f\u0483-\u0489]+")


def normalize_characters(mt: MappedText) -> MappedText:
    """One kind of line end, one kind of space, no invisible characters, Unicode NFC.

    No-break and typographic spaces become plain spaces so that every later pattern
    sees a single space character; soft hyphens and zero-width marks are dropped.
    """
    mt = mt.sub(_LINE_ENDS, lambda m: "\n")
    mt = mt.sub(_ODD_SPACES, lambda m: " ")
    mt = mt.sub(_INVISIBLE, lambda m: "")
    return mt.sub(_COMBINING, lambda m: unicodedata.normalize("NFC", m.group(0)))


_BOOKMARK = re.compile(r"\[bookmark:[^\]\n]*\]")


def remove_bookmarks(mt: MappedText) -> MappedText:
    """Drop the database's anchor markers ("[bookmark: z3]")."""
    return mt.sub(_BOOKMARK, lambda m: "")


def _lines(mt: MappedText) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    text = mt.text
    while pos <= len(text):
        end = text.find("\n", pos)
        if end < 0:
            end = len(text)
        spans.append((pos, end))
        pos = end + 1
    return spans


def _wrap_width(mt: MappedText) -> int | None:
    """The column a hard-wrapped export breaks at, or None when lines are not wrapped.

    A wrapped file has most of its long lines ending within a few columns of one
    width (about 80); a file with a paragraph a line has lines of every length.
    """
    stripped = [mt.text[s:e].rstrip() for s, e in _lines(mt) if e - s >= 30]
    lengths = sorted(len(line) for line in stripped)
    if len(lengths) < 5:
        return None
    p90 = lengths[int(len(lengths) * 0.9) - 1]
    if p90 > 110:
        return None
    near = [line for line in stripped if len(line) >= p90 * 0.8]
    mid_sentence = sum(1 for line in near if line[-1] not in ".;:,")
    return p90 if len(near) >= len(lengths) * 0.4 and mid_sentence >= len(near) * 0.5 else None


_DISPLACED_DASH = re.compile(r"^(?P<indent>[ \t]+)(?P<body>\S.*?)(?P<dash>(?<=[;(])-|[ \t]+-)[ \t]*$")


def restore_displaced_list_dashes(mt: MappedText) -> MappedText:
    """Put a list item's dash back at its start: "…жетілдіруді;-" → "– …жетілдіруді;".

    The export moves an item's leading dash to the end of the item's first line. A
    dash glued to ";" or "(" is always displaced; a dash after a space is taken as
    displaced only on a full-width wrapped line inside a list (the line before ends
    with ":" or ";"), since a short "term -" line is a definition's own dash.
    """
    width = _wrap_width(mt)
    edits: list[Edit] = []
    previous_end = ""
    for start, end in _lines(mt):
        line = mt.text[start:end]
        match = _DISPLACED_DASH.match(line)
        if match:
            glued = not match.group("dash").startswith((" ", "\t"))
            body = match.group("body")
            in_list = previous_end in (":", ";")
            full = len(line.rstrip()) >= (width * 0.8 if width else 70)
            if (glued or (in_list and full)) and not body.startswith(("–", "-", "—")) and not re.search(r"\s[–—-]\s", body):
                body_start = start + match.start("body")
                dash_start = start + match.start("dash")
                edits.append(Edit(body_start, body_start, "– "))
                edits.append(Edit(dash_start, start + match.end("dash"), ""))
        stripped = line.rstrip()
        if stripped:
            previous_end = stripped[-1] if not match else (";" if stripped.rstrip("-").rstrip().endswith(";") else stripped[-1])
    return mt.apply(edits)


_DISPLACED_TERM = re.compile(r'^(?P<indent>[ \t]*)(?P<dash>[–—-])[ \t]*(?P<body>[^"\n]*?\S)[ \t]*(?P<term>"[^"\n]{2,120}")[ \t]*$')


def restore_displaced_definition_terms(mt: MappedText) -> MappedText:
    """Put a quoted term back before its definition's dash.

    `– билік органдарының қызметін бұзу, "ыдыратушылық ақпараттық ықпал ету"` is the
    export's rendering of `"ыдыратушылық ақпараттық ықпал ету" – билік органдарының
    қызметін бұзу, …`: a line that opens with the definition dash and ends with a
    quoted phrase has had its term moved to the end.
    """
    edits: list[Edit] = []
    for start, end in _lines(mt):
        match = _DISPLACED_TERM.match(mt.text[start:end])
        if not match:
            continue
        t0, t1 = start + match.start("term"), start + match.end("term")
        d0 = start + match.start("dash")
        b0 = start + match.start("body")
        term = mt.text[t0:t1]
        moved = term + " "
        edits.append(Edit(d0, d0, moved, mt.offsets[t0:t1] + (mt.offsets[t1 - 1],)))
        edits.append(Edit(d0 + 1, b0, " "))  # one space between the dash and the definition
        # drop the term and the spaces before it
        s0 = t0
        while s0 > b0 and mt.text[s0 - 1] in " \t":
            s0 -= 1
        edits.append(Edit(s0, t1, ""))
    return mt.apply(edits)


_REF_WORD = r"\d+-?(?:ба[пб]|тарма[қғ]|қосымша|бөлім|тарау)\w*"
_DISPLACED_LINK = re.compile(
    rf"(?P<gap>(?<=\S)  (?=\S))(?P<middle>[^\n]*?)(?:(?<=[.;:,])(?P<glued>[а-яәғқңөұүһі]{{3,}})|(?<=[^\W\d_])(?P<gluedref>{_REF_WORD})|[ \t](?P<ref>{_REF_WORD}))[ \t]*$",
    re.MULTILINE,
)


def restore_displaced_link_words(mt: MappedText) -> MappedText:
    """Put a hyperlinked word back where it was taken from.

    The export moves a link's text to the end of its line and leaves a double space
    where it stood: "туралы  бекітілсін.келісім" is "туралы келісім бекітілсін.",
    "осы Келісімнің  сәйкес … белгісін 2-бабына" is "осы Келісімнің 2-бабына
    сәйкес … белгісін". The moved word is recognised by what no sentence ends with:
    a word glued after a full stop, a reference ("2-тармағында") glued to a word,
    or a reference standing last on a line that has the double-space mark.
    """
    edits: list[Edit] = []
    for match in _DISPLACED_LINK.finditer(mt.text):
        name = next(g for g in ("glued", "gluedref", "ref") if match.group(g))
        w0, w1 = match.start(name), match.end(name)
        if name != "ref" and match.group("middle").count("  "):
            continue  # a second double space: a spaced-out line, not a moved word
        gap = match.start("gap")
        word = mt.text[w0:w1]
        # the gap "  " becomes " word "; the word's old place (and the space before it) goes
        edits.append(Edit(gap, gap + 2, " " + word + " ", (mt.offsets[gap],) + mt.offsets[w0:w1] + (mt.offsets[gap + 1],)))
        cut = w0 - 1 if name == "ref" else w0
        edits.append(Edit(cut, w1, ""))
    return mt.apply(edits)


_SPLIT_REFERENCE = re.compile(
    r"(?P<num>\d+-)[ \t]*\n(?:[ \t]*\n)*[ \t]*(?P<rest>[^\n]*?)[ \t]+(?P<tail>(?:ба[пб]|тарма[қғ]|қосымша)[а-яәғқңөұүһі]*)[ \t]*(?=\n)"
)


def restore_split_references(mt: MappedText) -> MappedText:
    """Rejoin a reference cut at its hyphen whose second half was moved away.

    "осы Келісімнің 15-" / " белгіленген тәртіппен … енгізілуі бабында" is
    "осы Келісімнің 15-бабында белгіленген тәртіппен … енгізілуі": a number and
    hyphen left dangling at a line end, its "бабында" displaced to the end of the
    next line. A next line that itself starts with the continuation is a plain wrap.
    """
    edits: list[Edit] = []
    for match in _SPLIT_REFERENCE.finditer(mt.text):
        if re.match(r"(?:ба[пб]|тарма[қғ]|қосымша)", match.group("rest")):
            continue
        n1 = match.end("num")
        t0, t1 = match.start("tail"), match.end("tail")
        r0 = match.start("rest")
        tail = mt.text[t0:t1]
        edits.append(Edit(n1, r0, tail + " ", mt.offsets[t0:t1] + (mt.offsets[r0 - 1],)))
        edits.append(Edit(match.end("rest"), t1, ""))
    return mt.apply(edits)


# 2. Words ------------------------------------------------------------------------------

_LATIN_TO_CYRILLIC = {
    "a": "а", "c": "с", "e": "е", "i": "і", "o": "о", "p": "р", "x": "х", "y": "у", "k": "к",
    "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "I": "І", "K": "К", "M": "М",
    "O": "О", "P": "Р", "T": "Т", "X": "Х", "Y": "Ү",
}
_LATIN = re.compile(r"[A-Za-z]")


def fix_mixed_script_words(mt: MappedText) -> MappedText:
    """Latin look-alikes inside Cyrillic words become Cyrillic: "қауiпсiздiк" → "қауіпсіздік",
    "ОАӨAYO" → "ОАӨАҮО". A word with no Cyrillic letter ("Iňňän gizlin") is left alone."""

    def fix(word: str) -> str | None:
        if not CYRILLIC.search(word):
            return None
        if any(ch.isascii() and ch.isalpha() and ch not in _LATIN_TO_CYRILLIC for ch in word):
            return None  # a Latin letter with no Cyrillic twin: a real mixed token, keep it
        return "".join(_LATIN_TO_CYRILLIC.get(ch, ch) for ch in word)

    return mt.sub_words(_LATIN, fix)


_LETTER_SPACED = re.compile(r"(?<![^\s(\"«])(?:[^\W\d_] ){2,}[^\W\d_](?: (?=[.,;:!?]))?(?![^\W\d_])")


def join_letter_spaced_words(mt: MappedText) -> MappedText:
    """"қ о й ы л с ы н ." → "қойылсын.": three or more single letters a space apart
    are one word spaced out for emphasis (words in such runs are two spaces apart)."""
    return mt.sub(_LETTER_SPACED, lambda m: m.group(0).replace(" ", ""))


# 3. Logical lines ----------------------------------------------------------------------




@dataclass(frozen=True, slots=True)
class _Line:
    start: int  # of the content (after indentation); of the tab for a tab line
    end: int  # of the content (before trailing spaces)
    indented: bool
    trailing_space: bool
    tab: bool  # a line holding only a tab: a table-cell or block separator

    def text(self, mt: MappedText) -> str:
        return mt.text[self.start : self.end]


def _scan_lines(mt: MappedText) -> list[_Line | None]:
    """Each source line as a ``_Line``; blank lines as None."""
    out: list[_Line | None] = []
    text = mt.text
    for s, e in _lines(mt):
        raw = text[s:e]
        content = raw.strip(" \t")
        if not content:
            if "\t" in raw:
                at = s + raw.index("\t")
                out.append(_Line(at, at + 1, False, False, True))
            else:
                out.append(None)
            continue
        lead = len(raw) - len(raw.lstrip(" \t"))
        trail = len(raw) - len(raw.rstrip(" \t"))
        out.append(_Line(s + lead, e - trail, lead > 0, trail > 0, False))
    return out


_ALL_CAPS_WORD = re.compile(r"^[А-ЯЁӘҒҚҢӨҰҮҺІ]{3,}[.:]?$")


@dataclass(frozen=True, slots=True)
class _Layout:
    """How a file lays out its paragraphs: hard-wrapped at ``width`` or not, and
    whether paragraphs open with indentation (so an unindented line continues one)."""

    width: int | None
    indented: bool


def _layout(mt: MappedText, lines: list[_Line | None]) -> _Layout:
    content = [ln for ln in lines if ln is not None and not ln.tab]
    indented = sum(1 for ln in content if ln.indented)
    return _Layout(_wrap_width(mt), bool(content) and indented >= len(content) * 0.25)


def _continues(prev: str, prev_line: _Line, nxt: str, nxt_line: _Line, blanks: int, layout: _Layout) -> bool:
    """Whether the break between two source lines is a wrap inside one logical line."""
    if prev_line.tab or nxt_line.tab or is_structural_header(nxt) or is_structural_header(prev):
        return False
    if nxt_line.indented:
        return False
    ends_sentence = prev[-1] in TERMINAL
    starts_lower = nxt[0].isalpha() and nxt[0].islower()
    if nxt[0] in ".,;:)]»":
        return True
    if blanks:
        # a page break: runs of blank lines inside a sentence
        return not ends_sentence and (starts_lower or prev_line.trailing_space)
    if layout.width is not None and layout.indented:
        return True  # a wrapped file whose paragraphs are indented: col 0 continues
    if prev[-1] == "-" and len(prev) > 1 and prev[-2].isalnum():
        return True  # a word split at its hyphen: "ғылыми-" / "техникалық"
    if not ends_sentence and _ALL_CAPS_WORD.match(nxt):
        return True  # "… туралы" / "КЕЛІСІМ"
    if not ends_sentence and starts_lower and len(prev) < 60:
        return True  # a narrow block, such as a right-aligned annex caption
    if layout.width is None:
        return False  # a paragraph a line: a line of its own is a paragraph of its own
    if prev_line.trailing_space and not ends_sentence:
        return True
    return len(prev) >= layout.width * 0.75 and not ends_sentence


def unwrap_lines(mt: MappedText) -> MappedText:
    """Join hard-wrapped lines and page-broken sentences into logical lines.

    The result has one paragraph, heading, list item or header a line, with no
    indentation or trailing spaces; one blank line stands where the source had a
    blank line or two between logical lines (it separates blocks such as table
    rows); a line holding only a tab (a table-cell separator) is kept as "\\t".
    """
    lines = _scan_lines(mt)
    layout = _layout(mt, lines)
    present = [(i, ln) for i, ln in enumerate(lines) if ln is not None]
    if not present:
        return mt.apply([Edit(0, len(mt.text), "")])
    edits = [Edit(0, present[0][1].start, "")]
    for (pi, prev), (ni, line) in zip(present, present[1:]):
        blanks = ni - pi - 1
        prev_text, next_text = prev.text(mt), line.text(mt)
        if _continues(prev_text, prev, next_text, line, blanks, layout):
            glue = (prev_text.endswith("-") and len(prev_text) > 1 and prev_text[-2].isalnum()) or prev_text.endswith("(") or next_text[0] in ".,;:)]»"
            sep = "" if glue else " "
        elif blanks and blanks < 3:
            sep = "\n\n"
        else:
            sep = "\n"
        edits.append(Edit(prev.end, line.start, sep))
    edits.append(Edit(present[-1][1].end, len(mt.text), "\n"))
    return mt.apply(edits)


_SPACES = re.compile(r"(?<=\S) {2,}(?=\S)")
_SPACE_BEFORE_PUNCT = re.compile(r"(?<=[^\W\d_)]) +(?=[.,;:](?:\s|$))", re.MULTILINE)
_GLUED_COMMA = re.compile(r"(?<=[^\W\d_]),(?=[^\W\d_])")
_GLUED_DASH = re.compile(r"^([–—])(?=[^\W\d_\s\"«])", re.MULTILINE)


def tidy_spaces(mt: MappedText) -> MappedText:
    """One space between words, none before a comma or full stop, one after a comma
    between words ("жою,ақпараттық"), one after a list dash ("–мемлекеттің")."""
    mt = mt.sub(_SPACES, lambda m: " ")
    mt = mt.sub(_SPACE_BEFORE_PUNCT, lambda m: "")
    mt = mt.apply([Edit(m.end(), m.end(), " ") for m in _GLUED_COMMA.finditer(mt.text)])
    return mt.apply([Edit(m.end(), m.end(), " ") for m in _GLUED_DASH.finditer(mt.text)])


# 4. Words the document itself confirms ---------------------------------------------

_TOKEN = re.compile(r"[^\W\d_]+")


def _vocabulary(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.lower()))


_SPLIT_PAIR = re.compile(r"(?<![^\W\d_])([^\W\d_]{1,4}) ([^\W\d_]{2,})(?![^\W\d_])")


def join_split_words(mt: MappedText) -> MappedText:
    """Inside a double-spaced run, "бер ілген" → "берілген" when the document uses the
    joined word elsewhere. Runs while the double spaces still mark such runs (a line
    with two or more double spaces between words)."""
    edits: list[Edit] = []
    vocab: Counter[str] | None = None
    for start, end in _lines(mt):
        line = mt.text[start:end].strip()
        if line.count("  ") < 2:
            continue
        vocab = vocab if vocab is not None else _vocabulary(mt.text)
        base = mt.text.index(line, start) if line else start
        for chunk in re.finditer(r"\S+(?: \S+)*", line):
            for pair in _SPLIT_PAIR.finditer(chunk.group(0)):
                joined = (pair.group(1) + pair.group(2)).lower()
                if vocab[joined] and not vocab[pair.group(1).lower()] > vocab[joined]:
                    at = base + chunk.start() + pair.end(1)
                    edits.append(Edit(at, at + 1, ""))
    return mt.apply(edits)


_SUFFIX_END = re.compile(
    r"(?:ның|нің|дың|дің|тың|тің|ға|ге|қа|ке|на|не|да|де|та|те|ды|ді|ты|ті|ны|ні|н|ын|ін|"
    r"дан|ден|тан|тен|нан|нен|мен|пен|бен|ған|ген|қан|кен|лар|лер|дар|дер|тар|тер|ы|і|сы|сі|"
    r"ық|ік|лық|лік|дық|дік|тық|тік|ғы|гі|қы|кі|у|ту|ну)$"
)
_KAZAKH_VOWEL = "аәеөұүыіо"
_HARD_VOWEL_PAIR = re.compile(rf"(?<=[{_KAZAKH_VOWEL}])(?=[{_KAZAKH_VOWEL}])")


_VOWEL_COMPOUNDS = ("аралық", "арал", "үстілік", "өзара")
"""Productive compound elements that legitimately open with a vowel after a stem
ending in one ("желіаралық", "мемлекетаралық"): never a glue point."""


def _attested(part: str, vocab: Counter[str], prefixes: set[str]) -> bool:
    return vocab[part] > 0 or (len(part) >= 6 and part[:5] in prefixes)


def _segment(word: str, vocab: Counter[str], prefixes: set[str], depth: int = 0) -> list[int] | None:
    """Cut points that split ``word`` into attested words, every half but the last
    inflected. Whole words the document uses beat halves known only by their stem."""
    if depth > 3:
        return None
    best: tuple[list[int], int] | None = None
    for cut in range(4, len(word) - 3):
        head, tail = word[:cut], word[cut:]
        if not _SUFFIX_END.search(head):
            continue
        head_known = vocab[head] > 0
        if head_known and vocab[tail]:
            cuts, score = [cut], 2 + min(vocab[head], vocab[tail])
        elif head_known and (rest := _segment(tail, vocab, prefixes, depth + 1)) is not None:
            cuts, score = [cut] + [cut + r for r in rest], 2
        elif (head_known and vocab[head] > 1 and _attested(tail, vocab, prefixes)) or (
            vocab[tail] > 1 and len(head) >= 6 and _attested(head, vocab, prefixes)
        ):
            cuts, score = [cut], 1
        else:
            continue
        if best is None or score > best[1]:
            best = (cuts, score)
    return best[0] if best else None


def split_glued_words(mt: MappedText) -> MappedText:
    """"арналғанұжымдық" → "арналған ұжымдық" when the document confirms the halves.

    A token is split only if it never occurs elsewhere in the document and either
    (a) two Kazakh vowels meet inside it ("ішкіістерге": no Kazakh word has a vowel
    pair), each side at least three letters; or (b) it divides into words the
    document uses on their own, every half but the last ending like an inflected
    word: legitimate compounds ("мемлекетаралық") recur, and their first half is a
    bare stem.
    """
    vocab = _vocabulary(mt.text)
    prefixes = {w[:5] for w in vocab if len(w) >= 6}
    edits: list[Edit] = []
    for match in _TOKEN.finditer(mt.text):
        word = match.group(0)
        low = word.lower()
        if len(low) < 7 or vocab[low] > 1 or not CYRILLIC.search(low):
            continue
        pairs = [m.start() for m in _HARD_VOWEL_PAIR.finditer(low) if 3 <= m.start() <= len(low) - 3]
        pairs = [p for p in pairs if set(low[p - 1 : p + 1]) & set("әөұүіы") and not low.startswith(_VOWEL_COMPOUNDS, p)]
        cuts = pairs if len(pairs) == 1 else (_segment(low, vocab, prefixes) if len(low) >= 9 else None)
        for cut in cuts or ():
            edits.append(Edit(match.start() + cut, match.start() + cut, " "))
    return mt.apply(edits)


_DISPLACED_COLON = re.compile(r"(?<=\S)[ \t]+:(?=[^\W\d_])(?P<rest>[^\n.:;]*?)[ \t]*$", re.MULTILINE)


def restore_displaced_colon(mt: MappedText) -> MappedText:
    """"Үкіметі :ҚАУЛЫ ЕТЕДІ" → "Үкіметі ҚАУЛЫ ЕТЕДІ:": a colon glued to the start of
    the words it should close moves back to the end of its line."""
    edits: list[Edit] = []
    for match in _DISPLACED_COLON.finditer(mt.text):
        colon = mt.text.index(":", match.start())
        edits.append(Edit(match.start(), colon + 1, " "))
        end = match.end("rest")
        edits.append(Edit(end, end, ":", (mt.offsets[colon],)))
    return mt.apply(edits)


def fix_u_for_short_u(mt: MappedText) -> MappedText:
    """"қүралдарының" → "құралдарының": "ү" printed for "ұ", repaired only when the
    Kazakh lexicon confirms the "ұ" spelling and not the "ү" one, or the document
    itself uses the "ұ" spelling more often."""
    vocab = _vocabulary(mt.text)

    def better(alt: str, low: str) -> bool:
        return vocab[alt] > vocab[low] or (is_known(alt) and not is_known(low))

    def fix(word: str) -> str | None:
        low = word.lower()
        candidate = low.replace("ү", "ұ")
        if better(candidate, low):
            return "".join(
                ("Ұ" if c == "Ү" else "ұ") if c in "үҮ" else c for c in word
            )
        # one "ү" of several: try each position
        for i, ch in enumerate(low):
            if ch == "ү":
                alt = low[:i] + "ұ" + low[i + 1 :]
                if better(alt, low):
                    return word[:i] + ("Ұ" if word[i] == "Ү" else "ұ") + word[i + 1 :]
        return None

    return mt.sub_words(_U_LETTER, fix)


_U_LETTER = re.compile(r"[үҮ]")


# The pipeline --------------------------------------------------------------------------

REPAIRS: tuple[Repair, ...] = (
    normalize_characters,
    remove_bookmarks,
    restore_split_references,
    restore_displaced_link_words,
    restore_displaced_list_dashes,
    restore_displaced_definition_terms,
    fix_mixed_script_words,
    join_letter_spaced_words,
    join_split_words,
    unwrap_lines,
    tidy_spaces,
    restore_displaced_colon,
    split_glued_words,
    fix_u_for_short_u,
)


def repair(text: str) -> MappedText:
    """The repaired text of a decoded source, with its offset map back to ``text``."""
    mt = MappedText.identity(text)
    for step in REPAIRS:
        mt = step(mt)
    return mt
