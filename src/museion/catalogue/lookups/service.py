"""Lookups: constant master data, the same for every caller."""

from __future__ import annotations

from sqlalchemy.orm import Session

from museion.catalogue.lookups import queries
from museion.catalogue.lookups.models import Country, DispatchMode, State
from museion.db import search_pattern


def list_countries(
    session: Session, *, q: str | None, offset: int, limit: int
) -> tuple[int, list[Country]]:
    """All ISO 3166-1 countries, ordered by their two-letter code."""
    search = search_pattern(q) if q else None
    return queries.list_countries(session, search=search, offset=offset, limit=limit)


def list_states(
    session: Session, *, q: str | None, offset: int, limit: int
) -> tuple[int, list[State]]:
    search = search_pattern(q) if q else None
    return queries.list_states(session, search=search, offset=offset, limit=limit)


def list_dispatch_modes(
    session: Session, *, q: str | None, offset: int, limit: int
) -> tuple[int, list[DispatchMode]]:
    search = search_pattern(q) if q else None
    return queries.list_dispatch_modes(session, search=search, offset=offset, limit=limit)
