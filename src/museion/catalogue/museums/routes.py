"""GET /museums, /museums/:id, /museums/:id/opening_hours."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from museion.auth import PrincipalDep
from museion.catalogue.museums import service
from museion.catalogue.museums.schemas import (
    MuseumDetailOut,
    MuseumEnvelope,
    MuseumOut,
    MuseumsEnvelope,
    OpeningHoursEnvelope,
    OpeningHoursOut,
)
from museion.db import SessionDep
from museion.web import ApiDate, ApiRoute, PaginationDep, PathId, RenderDep, SearchQuery, id_list

router = APIRouter(tags=["museums"], route_class=ApiRoute)

quota_ids = id_list(
    "quota_ids", description="Only these quotas' entrances (accepted; quotas come later)."
)


@router.get("/museums", summary="List of museums, in shop order")
def list_museums(
    session: SessionDep,
    principal: PrincipalDep,
    render: RenderDep,
    pagination: PaginationDep,
    q: SearchQuery = None,
) -> MuseumsEnvelope:
    """The museums of the instance in the order the shop shows them (a
    museum-limited token sees only its own); `q` searches them."""
    total, museums = service.list_museums(
        session, principal, q=q, offset=pagination.offset, limit=pagination.per_page
    )
    return MuseumsEnvelope(
        museums=[MuseumOut.build(m, render) for m in museums], meta=pagination.meta(total)
    )


@router.get("/museums/{museum_id}", summary="Details of a single museum")
def show_museum(
    museum_id: PathId, session: SessionDep, principal: PrincipalDep, render: RenderDep
) -> MuseumEnvelope:
    """One museum with its location, contact and content texts."""
    museum = service.get_museum(session, principal, museum_id)
    return MuseumEnvelope(museum=MuseumDetailOut.build(museum, render))


@router.get("/museums/{museum_id}/opening_hours", summary="Opening hours of a museum on one day")
def opening_hours(
    museum_id: PathId,
    session: SessionDep,
    principal: PrincipalDep,
    render: RenderDep,
    date: Annotated[ApiDate | None, Query(description="Day (YYYY-MM-DD); default today.")] = None,
    _quota_ids: Annotated[list[int] | None, Depends(quota_ids)] = None,
) -> OpeningHoursEnvelope:
    """When the museum is open on `date` (default today): a dated exception beats a
    yearly one, which beats the weekday's rule; a day without a rule is closed."""
    day = date or datetime.now(render.zone).date()
    hours = service.opening_hours(session, principal, museum_id, day, render.zone)
    return OpeningHoursEnvelope(opening_hours=OpeningHoursOut.build(hours, render))
