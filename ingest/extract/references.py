"""Placeholder: replaced by the references extractor."""
from ingest.model import Reference, Treaty


def find_references(treaty: Treaty) -> tuple[Reference, ...]:
    return ()
