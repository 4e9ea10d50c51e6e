"""A build's progress on a terminal: one bar per stage (parse, write, embed) with counts,
rate and time left; plain lines when stderr is not a terminal (a log, CI), so a log
reads as a log and not as a storm of carriage returns.

``tqdm`` draws the bars: it estimates the rate over a moving window, so the time left
stays honest when a stage speeds up (cached vectors, unchanged treaties).
"""

from __future__ import annotations

import sys
from typing import IO, Any

from kb.build import Step

STAGES = {"parse": "parsing", "write": "writing", "embed": "embedding"}


class BuildProgress:
    """Called with each ``kb.build.Step``; ``close`` when the build ends."""

    def __init__(self, stream: IO[str] | None = None, bars: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.bars = self.stream.isatty() if bars is None else bars
        self._bar: Any = None
        self._stage: str | None = None

    def __call__(self, step: Step) -> None:
        if not self.bars:
            print(step.line(), file=self.stream, flush=True)
            return
        from tqdm import tqdm

        if step.stage != self._stage or self._bar is None or self._bar.total != step.total:
            self.close()
            self._stage = step.stage
            self._bar = tqdm(total=step.total, desc=STAGES.get(step.stage, step.stage), unit="", file=self.stream, dynamic_ncols=True)
        self._bar.n = step.done
        self._bar.set_postfix_str(step.detail[-40:], refresh=False)
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


__all__ = ["STAGES", "BuildProgress"]
