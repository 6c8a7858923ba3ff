"""GET /exhibitions, /exhibitions/:id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from museion.auth import PrincipalDep
from museion.catalogue.events.fragments import Fragments
from museion.catalogue.exhibitions import service
from museion.catalogue.exhibitions.schemas import (
    ExhibitionDetailOut,
    ExhibitionEnvelope,
    ExhibitionsEnvelope,
    exhibition_fragment,
    exhibition_json,
    exhibitions_json,
)
from museion.db import SessionDep
from museion.web import ApiRoute, PaginationDep, PathId, Render, RenderDep, SearchQuery, id_list

router = APIRouter(tags=["exhibitions"], route_class=ApiRoute)

by_museum_ids = id_list("by_museum_ids", description="Only exhibitions of these museums.")
JSON = "application/json"


@router.get("/exhibitions", summary="List of exhibitions", response_model=ExhibitionsEnvelope)
def list_exhibitions(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    render: RenderDep,
    pagination: PaginationDep,
    museum_ids: Annotated[list[int] | None, Depends(by_museum_ids)] = None,
    by_featured: Annotated[bool | None, Query(description="Only (un)featured exhibitions.")] = None,
    q: SearchQuery = None,
) -> Response:
    """The exhibitions of all museums, or of `by_museum_ids[]`; `by_featured`
    and `q` narrow them down."""
    page = service.exhibition_page(
        session,
        principal,
        museum_ids=museum_ids,
        featured=by_featured,
        q=q,
        offset=pagination.offset,
        limit=pagination.per_page,
    )
    written = _exhibition_fragments(request, session, page, render)
    return Response(exhibitions_json(written, pagination.meta(page.total)), media_type=JSON)


def _exhibition_fragments(
    request: Request, session: SessionDep, page: service.ExhibitionPage, render: Render
) -> list[bytes]:
    """The page's exhibitions as this process rendered them before under the same content
    generation (app.state.catalogue_fragments), rendered now where missing."""
    fragments: Fragments[bytes] = request.app.state.catalogue_fragments
    found = {i: fragments.get(page.generation, ("exhibition", i, render)) for i in page.ids}
    missing = [exhibition_id for exhibition_id, kept in found.items() if kept is None]
    if missing:
        rows, frames = service.exhibitions_by_id(session, missing)
        for row in rows:
            rendered = exhibition_fragment(row, frames[row.id], render)
            fragments.put(page.generation, ("exhibition", row.id, render), rendered)
            found[row.id] = rendered
    return [kept for i in page.ids if (kept := found[i]) is not None]


@router.get(
    "/exhibitions/{exhibition_id}",
    summary="Details of a single exhibition",
    response_model=ExhibitionEnvelope,
)
def show_exhibition(
    exhibition_id: PathId, session: SessionDep, principal: PrincipalDep, render: RenderDep
) -> Response:
    """One exhibition with its time frames, content texts and location."""
    exhibition, frames = service.get_exhibition(session, principal, exhibition_id)
    envelope = ExhibitionEnvelope.model_construct(
        exhibition=ExhibitionDetailOut.build_detail(exhibition, frames[exhibition_id], render)
    )
    return Response(exhibition_json(envelope), media_type=JSON)
