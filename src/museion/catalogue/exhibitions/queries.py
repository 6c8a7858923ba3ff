"""Exhibition statements."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from museion.catalogue.exhibitions.models import Exhibition
from museion.catalogue.models import Location
from museion.catalogue.museums.models import Museum
from museion.db import paginate


def list_exhibitions(
    session: Session,
    *,
    museum_ids: Collection[int] | None,
    featured: bool | None,
    search: str | None,
    offset: int,
    limit: int,
) -> tuple[int, list[Exhibition]]:
    statement = select(Exhibition).order_by(Exhibition.sort_order, Exhibition.id)
    if museum_ids is not None:
        statement = statement.where(Exhibition.museum_id.in_(museum_ids))
    if featured is not None:
        statement = statement.where(Exhibition.featured.is_(featured))
    if search:
        statement = statement.where(Exhibition.search_text.contains(search, autoescape=True))
    statement = statement.options(
        selectinload(Exhibition.picture), selectinload(Exhibition.time_frames)
    )
    return paginate(session, statement, offset=offset, limit=limit)


def get_exhibition(
    session: Session, exhibition_id: int, *, museum_ids: Collection[int] | None
) -> Exhibition | None:
    statement = select(Exhibition).where(Exhibition.id == exhibition_id)
    if museum_ids is not None:
        statement = statement.where(Exhibition.museum_id.in_(museum_ids))
    statement = statement.options(
        joinedload(Exhibition.picture),
        joinedload(Exhibition.location).joinedload(Location.country),
        joinedload(Exhibition.museum).joinedload(Museum.location).joinedload(Location.country),
        selectinload(Exhibition.time_frames),
    )
    return session.scalars(statement).first()
