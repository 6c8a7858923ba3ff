"""Exhibition rules: museum filters intersect the token's museums."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from museion.access import Principal, limit_to_museums
from museion.catalogue.exhibitions import queries
from museion.catalogue.exhibitions.queries import ExhibitionPage
from museion.db import search_pattern
from museion.errors import NotFound

__all__ = ["ExhibitionPage"]

TimeFrames = dict[int, list[tuple[datetime, datetime]]]


def exhibition_page(
    session: Session,
    principal: Principal,
    *,
    museum_ids: list[int] | None,
    featured: bool | None,
    q: str | None,
    offset: int,
    limit: int,
) -> ExhibitionPage:
    """Exhibitions of the museums asked for, as far as the caller may see them: which ones,
    in order; what they show, exhibitions_by_id (or what the caller rendered before)."""
    return queries.exhibition_page(
        session,
        museum_ids=limit_to_museums(principal, museum_ids),
        featured=featured,
        search=search_pattern(q) if q else None,
        offset=offset,
        limit=limit,
    )


def exhibitions_by_id(
    session: Session, exhibition_ids: Collection[int]
) -> tuple[Sequence[Any], TimeFrames]:
    """What a list shows of these exhibitions, with their time frames."""
    return queries.exhibitions_by_id(session, exhibition_ids), queries.time_frames(
        session, exhibition_ids
    )


def get_exhibition(
    session: Session, principal: Principal, exhibition_id: int
) -> tuple[Any, TimeFrames]:
    """Shown elsewhere: its own venue; otherwise where its museum is (queries.get_exhibition)."""
    exhibition = queries.get_exhibition(session, exhibition_id, museum_ids=principal.museum_ids)
    if exhibition is None:
        raise NotFound(f"exhibition {exhibition_id} not found")
    return exhibition, queries.time_frames(session, [exhibition_id])
