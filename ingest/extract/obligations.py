"""Placeholder: replaced by the obligations extractor."""
from ingest.model import Obligation, Treaty


def find_obligations(treaty: Treaty) -> tuple[Obligation, ...]:
    return ()
