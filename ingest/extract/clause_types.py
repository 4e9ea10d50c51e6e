"""Placeholder: replaced by the clause-type classifier."""
from ingest.model import Treaty


def assign_clause_types(treaty: Treaty) -> dict[str, tuple[str, ...]]:
    return {}
