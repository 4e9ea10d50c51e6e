"""A build's progress on a terminal (``api.progress``): bars with counts and time left
on a terminal, one line per step elsewhere."""

from __future__ import annotations

import io

from api.progress import BuildProgress
from kb.build import Step


def test_off_a_terminal_every_step_is_a_line() -> None:
    out = io.StringIO()
    progress = BuildProgress(out)  # a StringIO is not a terminal
    progress(Step("parse", 1, 2, "a.txt: a"))
    progress(Step("parse", 2, 2, "b.txt: b"))
    progress.close()
    assert out.getvalue().splitlines() == ["parse [1/2] a.txt: a", "parse [2/2] b.txt: b"]


def test_on_a_terminal_each_stage_is_a_bar_with_counts_and_time_left() -> None:
    out = io.StringIO()
    progress = BuildProgress(out, bars=True)
    for i in range(1, 6):
        progress(Step("parse", i, 5, f"f{i}.txt"))
    for i in range(1, 4):
        progress(Step("embed", i * 10, 30, "provisions"))
    progress.close()
    text = out.getvalue()
    assert "parsing" in text and "5/5" in text
    assert "embedding" in text and "30/30" in text
    assert "<" in text  # tqdm's elapsed<remaining
