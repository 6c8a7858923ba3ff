"""Lookup statements."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from museion.catalogue.lookups.models import Country, DispatchMode, State
from museion.db import paginate


def list_countries(
    session: Session, *, search: str | None, offset: int, limit: int
) -> tuple[int, list[Country]]:
    statement = select(Country).order_by(Country.id)
    if search:
        statement = statement.where(Country.search_text.contains(search, autoescape=True))
    return paginate(session, statement, offset=offset, limit=limit)


def list_states(
    session: Session, *, search: str | None, offset: int, limit: int
) -> tuple[int, list[State]]:
    statement = select(State).order_by(State.id)
    if search:
        statement = statement.where(State.search_text.contains(search, autoescape=True))
    return paginate(session, statement, offset=offset, limit=limit)


def list_dispatch_modes(
    session: Session, *, search: str | None, offset: int, limit: int
) -> tuple[int, list[DispatchMode]]:
    statement = select(DispatchMode).order_by(DispatchMode.sort_order, DispatchMode.id)
    if search:
        statement = statement.where(DispatchMode.search_text.contains(search, autoescape=True))
    return paginate(session, statement, offset=offset, limit=limit)
