"""GET /museums, /museums/:id, /museums/:id/opening_hours."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from museion.auth import PrincipalDep
from museion.catalogue.events.fragments import Fragments
from museion.catalogue.museums import service
from museion.catalogue.museums.schemas import (
    MuseumDetailOut,
    MuseumEnvelope,
    MuseumsEnvelope,
    OpeningHoursEnvelope,
    OpeningHoursOut,
    museum_fragment,
    museum_json,
    museums_json,
)
from museion.db import SessionDep
from museion.web import (
    ApiDate,
    ApiRoute,
    PaginationDep,
    PathId,
    Render,
    RenderDep,
    SearchQuery,
    id_list,
)

router = APIRouter(tags=["museums"], route_class=ApiRoute)
JSON = "application/json"

quota_ids = id_list(
    "quota_ids", description="Only these quotas' entrances (accepted; quotas come later)."
)


@router.get("/museums", summary="List of museums, in shop order", response_model=MuseumsEnvelope)
def list_museums(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    render: RenderDep,
    pagination: PaginationDep,
    q: SearchQuery = None,
) -> Response:
    """The museums of the instance in the order the shop shows them (a
    museum-limited token sees only its own); `q` searches them."""
    page = service.museum_page(
        session, principal, q=q, offset=pagination.offset, limit=pagination.per_page
    )
    written = _museum_fragments(request, session, page, render)
    return Response(museums_json(written, pagination.meta(page.total)), media_type=JSON)


def _museum_fragments(
    request: Request, session: SessionDep, page: service.MuseumPage, render: Render
) -> list[bytes]:
    """The page's museums as this process rendered them before under the same content
    generation (app.state.catalogue_fragments), rendered now where missing."""
    fragments: Fragments[bytes] = request.app.state.catalogue_fragments
    found = {i: fragments.get(page.generation, ("museum", i, render)) for i in page.ids}
    missing = [museum_id for museum_id, kept in found.items() if kept is None]
    if missing:
        for row in service.museums_by_id(session, missing):
            rendered = museum_fragment(row, render)
            fragments.put(page.generation, ("museum", row.id, render), rendered)
            found[row.id] = rendered
    return [kept for i in page.ids if (kept := found[i]) is not None]


@router.get(
    "/museums/{museum_id}", summary="Details of a single museum", response_model=MuseumEnvelope
)
def show_museum(
    museum_id: PathId, session: SessionDep, principal: PrincipalDep, render: RenderDep
) -> Response:
    """One museum with its location, contact and content texts."""
    museum = service.get_museum(session, principal, museum_id)
    envelope = MuseumEnvelope.model_construct(museum=MuseumDetailOut.build(museum, render))
    return Response(museum_json(envelope), media_type=JSON)


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
