"""Exhibition rules: museum filters intersect the token's museums."""

from __future__ import annotations

from sqlalchemy.orm import Session

from museion.access import Principal, limit_to_museums
from museion.catalogue.exhibitions import queries
from museion.catalogue.exhibitions.models import Exhibition
from museion.catalogue.models import Location
from museion.db import search_pattern
from museion.errors import NotFound


def list_exhibitions(
    session: Session,
    principal: Principal,
    *,
    museum_ids: list[int] | None,
    featured: bool | None,
    q: str | None,
    offset: int,
    limit: int,
) -> tuple[int, list[Exhibition]]:
    """Exhibitions of the museums asked for, as far as the caller may see them."""
    return queries.list_exhibitions(
        session,
        museum_ids=limit_to_museums(principal, museum_ids),
        featured=featured,
        search=search_pattern(q) if q else None,
        offset=offset,
        limit=limit,
    )


def get_exhibition(session: Session, principal: Principal, exhibition_id: int) -> Exhibition:
    exhibition = queries.get_exhibition(session, exhibition_id, museum_ids=principal.museum_ids)
    if exhibition is None:
        raise NotFound(f"exhibition {exhibition_id} not found")
    return exhibition


def exhibition_location(exhibition: Exhibition) -> Location | None:
    """Shown elsewhere: its own venue; otherwise where its museum is."""
    return exhibition.location or exhibition.museum.location
