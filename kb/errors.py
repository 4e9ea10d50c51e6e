"""The errors of the knowledge base, so callers (the API, the CLI) can map each to
one answer (a 404, a 503, an exit code) without parsing messages."""

from __future__ import annotations

from pathlib import Path


class KbError(Exception):
    """Base of every error ``kb`` raises on purpose."""


class BuildError(KbError):
    """A build that cannot produce a version (no sources, nothing parsed).
    The previous ``CURRENT`` is left as it was."""


class KbUnavailable(KbError):
    """No usable version: no ``CURRENT`` yet, or it names a missing folder."""


class KbCorrupt(KbUnavailable):
    """A version whose files are not what its build wrote (``kb.integrity``): one is
    missing, of another size, of other content, or was never written by the build.
    ``file`` is the damaged file's path inside the version folder, ``reason`` what is
    wrong with it, so a server can report the refusal and an operator find the file."""

    def __init__(self, folder: Path, file: str, reason: str) -> None:
        self.folder = folder
        self.version = folder.name
        self.file = file
        self.reason = reason
        super().__init__(f"{folder / file}: {reason} (version {self.version} is damaged: rebuild it)")

    def __reduce__(self) -> tuple[type[KbCorrupt], tuple[Path, str, str]]:
        return type(self), (self.folder, self.file, self.reason)  # picklable and copyable, as its base


class NotFound(KbError, LookupError):
    """A lookup that found nothing. ``param`` names the request parameter at fault
    and ``value`` is what was asked for, so a 404 can say which one was wrong."""

    def __init__(self, param: str, value: str, message: str) -> None:
        self.param = param
        self.value = value
        self.message = message
        super().__init__(message)


class TreatyNotFound(NotFound):
    def __init__(self, treaty_id: str) -> None:
        super().__init__("treaty_id", treaty_id, f"no treaty with treaty_id={treaty_id!r}")


class ArticleNotFound(NotFound):
    def __init__(self, treaty_id: str, num: str) -> None:
        super().__init__("num", num, f"treaty {treaty_id!r} has no article with num={num!r}")


class QueryError(KbError, ValueError):
    """A query, or one of its parameters, that is refused. ``param`` names the request
    parameter at fault (``q``, ``year``, ``cursor``, …) so an API can answer 400 with it."""

    def __init__(self, message: str, param: str = "q") -> None:
        self.param = param
        self.message = message
        super().__init__(message)
