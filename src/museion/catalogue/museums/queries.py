"""Museum statements."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from museion.catalogue.models import Location
from museion.catalogue.museums.models import Museum, OpeningException, OpeningHour
from museion.db import paginate


def _scoped(statement: Select[Museum], museum_ids: Collection[int] | None) -> Select[Museum]:
    return statement if museum_ids is None else statement.where(Museum.id.in_(museum_ids))


def list_museums(
    session: Session,
    *,
    museum_ids: Collection[int] | None,
    search: str | None,
    offset: int,
    limit: int,
) -> tuple[int, list[Museum]]:
    statement = _scoped(select(Museum), museum_ids).order_by(Museum.shop_order, Museum.id)
    if search:
        statement = statement.where(Museum.search_text.contains(search, autoescape=True))
    statement = statement.options(selectinload(Museum.picture))
    return paginate(session, statement, offset=offset, limit=limit)


def get_museum(
    session: Session, museum_id: int, *, museum_ids: Collection[int] | None
) -> Museum | None:
    statement = _scoped(select(Museum).where(Museum.id == museum_id), museum_ids).options(
        joinedload(Museum.picture),
        joinedload(Museum.location).joinedload(Location.country),
    )
    return session.scalars(statement).first()


def opening_rules(
    session: Session, museum_id: int, day: date
) -> tuple[OpeningHour | None, list[OpeningException]]:
    """The weekday rule and every exception that may apply to `day` (exact or recurring)."""
    hour = session.scalars(
        select(OpeningHour).where(
            OpeningHour.museum_id == museum_id, OpeningHour.weekday == day.isoweekday()
        )
    ).first()
    exceptions = session.scalars(
        select(OpeningException).where(
            OpeningException.museum_id == museum_id,
            or_(OpeningException.applies_on == day, OpeningException.every_year.is_(True)),
        )
    ).all()
    return hour, list(exceptions)


def existing_museum_ids(session: Session, museum_ids: Collection[int]) -> set[int]:
    if not museum_ids:
        return set()
    return set(session.scalars(select(Museum.id).where(Museum.id.in_(museum_ids))))


def all_opening_rules(
    session: Session, museum_ids: Collection[int]
) -> tuple[list[OpeningHour], list[OpeningException]]:
    """Every weekday rule and exception of some museums (few rows each), for batch lookups."""
    if not museum_ids:
        return [], []
    parameters = {"museum_ids": list(museum_ids)}
    hours = session.scalars(_OPENING_HOURS, parameters)
    exceptions = session.scalars(_OPENING_EXCEPTIONS, parameters)
    return list(hours), list(exceptions)


# Every ticket order line reads these: built once.
_OPENING_HOURS = select(OpeningHour).where(
    OpeningHour.museum_id.in_(bindparam("museum_ids", expanding=True))
)
_OPENING_EXCEPTIONS = select(OpeningException).where(
    OpeningException.museum_id.in_(bindparam("museum_ids", expanding=True))
)
