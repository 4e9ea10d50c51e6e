"""A corpus in one call: every source file parsed, each failure kept with its file, and
the set linked (``parse_corpus``).

Three callers need exactly this: ``kelisim parse`` (the bulk export), the knowledge-base
build and the embedding model's verification texts. Written once here, they cannot
drift apart: a file refused by one is refused by all, for the same reason, and a
treaty id two files share is an error everywhere (the knowledge base keys on ids).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ingest import pipeline
from ingest.errors import IngestError
from ingest.extract.linking import link
from ingest.model import Concept, Treaty
from ingest.pipeline import source_files

Parse = Callable[[Path], Treaty]
Known = Callable[[Path], "Treaty | IngestError | None"]
"""What an earlier build already made of a file whose bytes have not changed (its
treaty, or the error that kept it out), or None to parse it."""
Progress = Callable[[int, int, "Outcome"], None]
"""Called after each file: (files done, files in all, what became of this one)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one source file: its treaty (as parsed, before linking) or the
    error that kept it out."""

    path: Path
    treaty: Treaty | None = None
    error: IngestError | None = None


@dataclass(frozen=True, slots=True)
class Corpus:
    """A parsed corpus. ``treaties`` are linked (references resolved within the set) and
    in file order; ``outcomes`` has one entry per source file, in the same order."""

    outcomes: tuple[Outcome, ...]
    treaties: tuple[Treaty, ...]
    concepts: tuple[Concept, ...]

    @property
    def errors(self) -> tuple[IngestError, ...]:
        return tuple(o.error for o in self.outcomes if o.error is not None)


def parse_corpus(
    paths: Iterable[Path | str],
    *,
    parse: Parse | None = None,
    progress: Progress | None = None,
    known: Known | None = None,
) -> Corpus:
    """Parse every source file ``paths`` name (a folder stands for its source files, in
    name order), keep going past files that raise ``IngestError``, refuse a second file
    with a treaty id already seen, then link the treaties. Any other exception is a bug
    and propagates. ``parse`` defaults to ``ingest.pipeline.parse_path`` (looked up
    at call time). ``known`` spares the parse of a file an earlier build already read
    (an incremental build): its treaty goes through the same duplicate check and the
    same linking as a parsed one, so the set comes out as a full parse would make it."""
    parse = parse or pipeline.parse_path
    files = list(source_files(paths))
    outcomes: list[Outcome] = []
    seen: dict[str, Path] = {}
    for done, path in enumerate(files, 1):
        try:
            earlier = known(path) if known is not None else None
            if isinstance(earlier, IngestError):
                raise earlier
            treaty = earlier if earlier is not None else parse(path)
        except IngestError as exc:
            outcome = Outcome(path, error=exc)
        else:
            if treaty.id in seen:
                reason = f"duplicate treaty id {treaty.id!r} (also from {seen[treaty.id].name})"
                outcome = Outcome(path, error=IngestError(str(path), reason))
            else:
                seen[treaty.id] = path
                outcome = Outcome(path, treaty=treaty)
        outcomes.append(outcome)
        if progress is not None:
            progress(done, len(files), outcome)
    linked, concepts = link([o.treaty for o in outcomes if o.treaty is not None])
    return Corpus(outcomes=tuple(outcomes), treaties=linked, concepts=concepts)


__all__ = ["Corpus", "Known", "Outcome", "parse_corpus"]
