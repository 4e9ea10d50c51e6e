"""Leave one treaty out: how clause typing does on a treaty it was not trained on.

For each labelled treaty (the seeds in corpus/, the development texts in
tests/fixtures/dev-texts/, their gold in tests/fixtures/gold/), the classifier of
``ingest.extract.clause_model`` is trained on the other treaties and judged on this
one, as the scorecard judges: "main" is the gold main type among the predicted types,
"any" some gold type among them. Beside it, in the same run: the cue rules alone
(``ingest.extract.clause_types``, written on the seeds, which is why they look perfect
there), the classifier alone, and the two together (what a parse uses), with the mean
number of types predicted per article (more types make the lines easier to meet) and the
label precision and recall (predicted types that are gold; gold types predicted).

Then every line of the scorecard (``../shared/tools/scorecard.py``), per held-out text:
each labelled text (the ten of ``tests/fixtures/gold/``, the letter agreement with no
articles included) is parsed whole by ``kelisim parse``'s path with a classifier trained
without it, its export scored against its own gold; beside it, in the same run, the rules
alone (no classifier). Only the clause types are learned: for the other lines (the
rules), "held out" means only that the classifier that typed the articles never saw the
text. Lines across treaties (concepts linked, kept apart) need the whole corpus and are
left to the scorecard.

Last, the definitions per text, recall and precision as the scorecard judges them. The
definition rules are not learned, so these are the rules on all texts, not held-out
figures; ``--baseline REV`` runs the definitions extractor of another revision (``git
show REV:ingest/extract/definitions.py``) on the same parses beside them, and
``--definitions-only`` prints this table alone (no training).

    python bench/generalization.py [--epochs 30] [--threshold 0.5] [--seeds 4] [--scorecard PATH]
                                   [--baseline main] [--definitions-only]
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

from ingest.extract.clause_model import predict, train
from ingest.extract.clause_types import TYPES, combine
from ingest.extract.clause_types import cue_types as cues_of
from ingest.extract.definitions import find_definitions
from ingest.extract.train_clause_model import (
    examples,
    gold_sources,
    labelled_treaties,
    training_set,
)
from ingest.model import Definition, Treaty
from ingest.pipeline import parse_path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--seeds", type=int, default=4, help="also train with this many seeds: the main figure's spread")
    ap.add_argument("--scorecard", type=Path, default=ROOT.parent / "shared" / "tools" / "scorecard.py")
    ap.add_argument("--baseline", metavar="REV", help="also run the definitions extractor of this git revision")
    ap.add_argument("--definitions-only", action="store_true", help="print the definitions table alone (no training)")
    args = ap.parse_args()
    if args.definitions_only:
        definitions(_load_scorecard(args.scorecard), args.baseline)
        return

    labelled = labelled_treaties(ROOT)
    rows = examples(labelled)
    cue_types = []  # the cue rules' types of each row, in the same order
    for entry in labelled:
        chosen = cues_of(entry.treaty)
        cue_types += [chosen[a.num] for a in entry.articles()]
    treaties = [entry.file for entry in labelled]
    tally: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0, 0]))  # method → treaty → [main, any, types, right types, gold types]
    t0 = time.perf_counter()
    models = {held: train(training_set(ROOT, rows, held), TYPES, epochs=args.epochs) for held in treaties}
    for held, model in models.items():
        test = [(e, c) for e, c in zip(rows, cue_types, strict=True) if e.treaty == held]
        probs = predict(model, [e.words for e, _ in test])
        for (example, cues), cats in zip(test, probs, strict=True):
            learned = sorted(cats.items(), key=lambda kv: -kv[1])
            alone = tuple(t for t, p in learned if p >= args.threshold) or (learned[0][0],)
            for method, predicted in (("cue rules (baseline)", cues), ("classifier", alone), ("cue rules + classifier", combine(cues, learned, args.threshold))):
                cell = tally[method][held]
                cell[0] += example.labels[0] in predicted
                cell[1] += bool(set(example.labels) & set(predicted))
                cell[2] += len(predicted)
                cell[3] += len(set(example.labels) & set(predicted))
                cell[4] += len(example.labels)
    seconds = time.perf_counter() - t0
    sizes = {t: sum(1 for e in rows if e.treaty == t) for t in treaties}
    total = sum(sizes.values())
    print(f"{len(treaties)} labelled treaties, {total} articles; leave-one-treaty-out, {seconds:.1f} s\n")
    print(f"{'clause type (main), held out':34s}" + "".join(f"{t[:3]:>7s}" for t in treaties) + "    all   any  types/art  label P  label R")
    for method, by in tally.items():
        main = sum(by[t][0] for t in treaties)
        anyl = sum(by[t][1] for t in treaties)
        types = sum(by[t][2] for t in treaties)
        right, gold = (sum(by[t][k] for t in treaties) for k in (3, 4))
        cells = "".join(f"{by[t][0] / sizes[t]:7.2f}" for t in treaties)
        print(f"{method:34s}{cells}  {main / total:5.3f} {anyl / total:5.3f}  {types / total:5.2f}"
              f"      {right / types:5.3f}    {right / gold:5.3f}")
    if args.seeds > 1:  # seed 0 is the run above
        first = sum(tally["cue rules + classifier"][t][0] for t in treaties) / total
        figures = [first] + [_main_figure(rows, cue_types, treaties, seed, args) for seed in range(1, args.seeds)]
        print(f"{'cue rules + classifier, by seed':34s}" + "".join(f"{f:7.3f}" for f in figures)
              + f"  mean {sum(figures) / len(figures):.3f} (seeds 0-{args.seeds - 1}: the training order's noise)")
    print("\ntarget (issue 10): clause type (main) >= 0.85 held out")
    if args.scorecard.is_file():
        card = _load_scorecard(args.scorecard)
        full = train(training_set(ROOT, rows), TYPES, epochs=args.epochs)  # for a text without typed articles
        scorecard_lines(card, models, full)
        definitions(card, args.baseline)
    else:
        print(f"\n(no scorecard at {args.scorecard}: the per-line table is skipped)")


def _main_figure(rows: list, cue_types: list, treaties: list[str], seed: int, args: argparse.Namespace) -> float:
    """Clause type (main) held out, cue rules + classifier, the classifier trained with ``seed``."""
    hits = 0
    for held in treaties:
        model = train(training_set(ROOT, rows, held), TYPES, epochs=args.epochs, seed=seed)
        test = [(e, c) for e, c in zip(rows, cue_types, strict=True) if e.treaty == held]
        for (example, cues), cats in zip(test, predict(model, [e.words for e, _ in test]), strict=True):
            learned = sorted(cats.items(), key=lambda kv: -kv[1])
            hits += example.labels[0] in combine(cues, learned, args.threshold)
    return hits / len(rows)


SOURCES = gold_sources(ROOT)
CROSS_TREATY = ("concepts linked across treaties", "distinct concepts kept apart", "treaties matched by sha256")


def _held_out_tally(card, path: Path, gold: dict, entry: dict, model: object) -> dict[str, tuple[int, int]]:
    """The scorecard's lines for one text, parsed with ``model`` as the classifier
    (None: the cue rules alone), exported as ``kelisim parse --format json`` writes it."""
    import json

    import msgspec

    from ingest.corpus import parse_corpus
    from ingest.extract import clause_model
    from ingest.extract.docs import clear_cache
    from ingest.model import ParseExport

    original = clause_model.load_model
    clause_model.load_model = lambda: model  # type: ignore[assignment, misc]
    try:
        clear_cache()
        corpus = parse_corpus([path])
    finally:
        clause_model.load_model = original  # type: ignore[assignment]
    export = json.loads(msgspec.json.encode(ParseExport(treaties=corpus.treaties, concepts=corpus.concepts, errors=())))
    own = {
        "treaties": [entry],
        "obligations": [o for o in gold.get("obligations", []) if o[0] == entry["file"]],
        "obligations_complete": [s for s in gold.get("obligations_complete", []) if s == entry["file"][:3]],
    }
    tally = card.Tally()
    card.score(export, own, tally)
    return {m: (h, n) for m, (h, n) in tally.rows.items() if m not in CROSS_TREATY}


def scorecard_lines(card: ModuleType, models: dict[str, object], full: object) -> None:
    """Every scorecard line per held-out text (the clause attributes among them), with
    the rules alone beside it."""
    import json

    held: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    alone: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    files: list[str] = []
    for folder, gold_file in SOURCES:
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        for entry in gold["treaties"]:
            files.append(entry["file"])
            path = folder / entry["file"]
            for measure, cell in _held_out_tally(card, path, gold, entry, models.get(entry["file"], full)).items():
                held[measure][entry["file"]] = cell
            for measure, cell in _held_out_tally(card, path, gold, entry, None).items():
                alone[measure][entry["file"]] = cell
    print(f"\nscorecard lines, each text parsed with a classifier that never saw it ({len(files)} texts)")
    print(f"{'line':36s}" + "".join(f"{f[:3]:>6s}" for f in files) + "   held out   rules alone")
    for measure in held:
        cells = "".join(
            f"{held[measure][f][0] / held[measure][f][1]:6.2f}" if f in held[measure] else f"{'':6s}" for f in files
        )
        hits, total = (sum(c[i] for c in held[measure].values()) for i in (0, 1))
        a_hits, a_total = (sum(c[i] for c in alone[measure].values()) for i in (0, 1))
        print(f"{measure:36s}{cells}  {hits:4d}/{total:<4d} {hits / total:5.3f}  {a_hits / a_total:5.3f}")


def _load_module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _load_scorecard(path: Path) -> ModuleType:
    """``../shared/tools/scorecard.py`` as a module (its ``norm``, ``Tally``, ``score``)."""
    return _load_module("scorecard", path)


Finder = Callable[[Treaty], Sequence[Definition]]


def _revision_finder(rev: str) -> Finder:
    """``find_definitions`` of the definitions module at git revision ``rev``, loaded
    beside this one (it imports the rest of ``ingest`` from the working tree)."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:ingest/extract/definitions.py"], capture_output=True, text=True, check=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "baseline_definitions.py"
    path.write_text(source, encoding="utf-8")
    return _load_module("baseline_definitions", path).find_definitions  # type: ignore[no-any-return]


def definitions(card: ModuleType, baseline: str | None) -> None:
    """Definitions recall and precision per text (the ten of ``SOURCES``), a gold term
    found when one of its alternatives is among the parsed terms, compared as the
    scorecard compares them (``card.norm``)."""
    import json

    texts: list[tuple[str, Treaty, list[list[str]]]] = []
    for folder, gold_file in SOURCES:
        for entry in json.loads(gold_file.read_text(encoding="utf-8"))["treaties"]:
            texts.append((entry["file"], parse_path(folder / entry["file"]), entry["definitions"]["terms"]))
    finders: list[tuple[str, Finder]] = [("rules (this tree)", find_definitions)]
    if baseline:
        finders.insert(0, (f"rules ({baseline}, baseline)", _revision_finder(baseline)))
    print("\ndefinitions: rules, on all texts (not learned, so not held out)")
    print(f"{'':36s}" + "".join(f"{file[:3]:>7s}" for file, _, _ in texts) + "      all")
    for name, find in finders:
        recall, precision = [], []
        for _, treaty, wanted in texts:
            got = {card.norm(d.term) for d in find(treaty)}
            hits = {next((card.norm(a) for a in alts if card.norm(a) in got), None) for alts in wanted} - {None}
            recall.append((len(hits), len(wanted)))
            precision.append((len(got & hits), len(got)))
        for measure, rows in (("recall", recall), ("precision", precision)):
            cells = "".join(f"{f'{h}/{n}':>7s}" for h, n in rows)
            h, n = sum(r[0] for r in rows), sum(r[1] for r in rows)
            print(f"{name + ' ' + measure:36s}{cells}  {h}/{n} {h / n if n else 1.0:.3f}")
    print("target (issue 10): definitions recall >= 0.90 over the ten texts, precision 1.0")


if __name__ == "__main__":
    main()
