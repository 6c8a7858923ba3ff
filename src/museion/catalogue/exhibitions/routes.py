"""GET /exhibitions, /exhibitions/:id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from museion.auth import PrincipalDep
from museion.catalogue.exhibitions import service
from museion.catalogue.exhibitions.schemas import (
    ExhibitionDetailOut,
    ExhibitionEnvelope,
    ExhibitionOut,
    ExhibitionsEnvelope,
)
from museion.db import SessionDep
from museion.web import ApiRoute, PaginationDep, PathId, RenderDep, SearchQuery, id_list

router = APIRouter(tags=["exhibitions"], route_class=ApiRoute)

by_museum_ids = id_list("by_museum_ids", description="Only exhibitions of these museums.")


@router.get("/exhibitions", summary="List of exhibitions")
def list_exhibitions(
    session: SessionDep,
    principal: PrincipalDep,
    render: RenderDep,
    pagination: PaginationDep,
    museum_ids: Annotated[list[int] | None, Depends(by_museum_ids)] = None,
    by_featured: Annotated[bool | None, Query(description="Only (un)featured exhibitions.")] = None,
    q: SearchQuery = None,
) -> ExhibitionsEnvelope:
    """The exhibitions of all museums, or of `by_museum_ids[]`; `by_featured`
    and `q` narrow them down."""
    total, exhibitions = service.list_exhibitions(
        session,
        principal,
        museum_ids=museum_ids,
        featured=by_featured,
        q=q,
        offset=pagination.offset,
        limit=pagination.per_page,
    )
    return ExhibitionsEnvelope(
        exhibitions=[ExhibitionOut.build(e, render) for e in exhibitions],
        meta=pagination.meta(total),
    )


@router.get("/exhibitions/{exhibition_id}", summary="Details of a single exhibition")
def show_exhibition(
    exhibition_id: PathId, session: SessionDep, principal: PrincipalDep, render: RenderDep
) -> ExhibitionEnvelope:
    """One exhibition with its time frames, content texts and location."""
    exhibition = service.get_exhibition(session, principal, exhibition_id)
    location = service.exhibition_location(exhibition)
    return ExhibitionEnvelope(
        exhibition=ExhibitionDetailOut.build_detail(exhibition, location, render)
    )
