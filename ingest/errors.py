"""The one error the ingest layer raises: it names the file and says what is wrong."""

from __future__ import annotations


class IngestError(ValueError):
    """A source file that cannot be parsed. ``str(error)`` is one line:
    ``<source>: <reason>``, fit for a command line and a log."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = " ".join(reason.splitlines()).strip()  # a parser's message may hold line breaks
        super().__init__(f"{source}: {self.reason}")
