"""``python -m ingest.extract.train_clause_model [REPO]``: train the clause-type
classifier on every labelled article of the repository and write
``ingest/data/clause_model/`` (``ingest.extract.clause_model``).

A command of its own, apart from the model module the parser imports, because it needs
the list of clause types (``ingest.extract.clause_types``), which itself uses the model.
Run it after the labelled data or the features change; ``bench/generalization.py``
says first whether the change helps on treaties the model was not trained on.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ingest.extract.clause_model import MODEL_DIR, Labelled, article_words, train
from ingest.extract.clause_types import TYPES
from ingest.pipeline import parse_path


def labelled_articles(root: Path) -> list[Labelled]:
    """The labelled articles of the repository: the seeds (``corpus/``) and the
    development texts (``tests/fixtures/dev-texts/``), with their gold types."""
    sources = (
        (root / "corpus", root / "tests" / "fixtures" / "gold" / "seeds.json"),
        (root / "tests" / "fixtures" / "dev-texts", root / "tests" / "fixtures" / "gold" / "dev-texts.json"),
    )
    out: list[Labelled] = []
    for folder, gold_file in sources:
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        for entry in gold["treaties"]:
            if not entry.get("clause_types"):
                continue
            treaty = parse_path(folder / entry["file"])
            articles = [a for a in treaty.articles if a.num in entry["clause_types"]]
            for article, words in zip(articles, article_words(articles), strict=True):
                out.append(Labelled(entry["file"], words, tuple(entry["clause_types"][article.num])))
    return out


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    root = Path(args[0]) if args else Path(__file__).resolve().parents[2]
    examples = labelled_articles(root)
    model = train(examples, TYPES)
    MODEL_DIR.parent.mkdir(parents=True, exist_ok=True)
    model.to_disk(MODEL_DIR)
    print(f"trained on {len(examples)} articles of {len({e.treaty for e in examples})} treaties → {MODEL_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
