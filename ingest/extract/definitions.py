"""Placeholder: replaced by the definitions extractor."""
from ingest.model import Definition, Treaty


def find_definitions(treaty: Treaty) -> tuple[Definition, ...]:
    return ()
