"""``python -m ingest.kk.vocabulary CORPUS_DIR``: rewrite ``data/corpus_vocabulary.txt``
from the repaired texts of a corpus.

A maintenance command, not part of parsing: it parses the corpus, and parsing reads
the lexicon this file feeds, so it lives apart from ``ingest.kk.lexicon`` (which the
parser imports) to keep the imports free of cycles.
"""

from __future__ import annotations

import sys

from ingest.corpus import parse_corpus
from ingest.kk.lexicon import VOCABULARY_FILE, corpus_vocabulary


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    texts = [t.text for t in parse_corpus(args or ["corpus"]).treaties]
    VOCABULARY_FILE.parent.mkdir(exist_ok=True)
    words = corpus_vocabulary(texts)
    VOCABULARY_FILE.write_text("".join(f"{w}\t{n}\n" for w, n in words), encoding="utf-8")
    print(f"{len(words)} word forms from {len(texts)} texts → {VOCABULARY_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
