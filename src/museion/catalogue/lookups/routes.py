"""GET /countries, /states, /dispatch_modes."""

from __future__ import annotations

from fastapi import APIRouter

from museion.catalogue.lookups import service
from museion.catalogue.lookups.schemas import (
    CountriesEnvelope,
    CountryOut,
    DispatchModeOut,
    DispatchModesEnvelope,
    StateOut,
    StatesEnvelope,
)
from museion.db import SessionDep
from museion.web import ApiRoute, PaginationDep, RenderDep, SearchQuery

router = APIRouter(tags=["other data"], route_class=ApiRoute)


@router.get("/countries", summary="ISO 3166 countries (German names by default)")
def list_countries(
    session: SessionDep, render: RenderDep, pagination: PaginationDep, q: SearchQuery = None
) -> CountriesEnvelope:
    """The countries of ISO 3166 for addresses, named in the requested locale
    (German by default); `q` searches the names."""
    total, countries = service.list_countries(
        session, q=q, offset=pagination.offset, limit=pagination.per_page
    )
    return CountriesEnvelope(
        countries=[CountryOut(name=render.text(c.name), id=c.id, code=c.code) for c in countries],
        meta=pagination.meta(total),
    )


@router.get("/states", summary="States and regions")
def list_states(
    session: SessionDep, render: RenderDep, pagination: PaginationDep, q: SearchQuery = None
) -> StatesEnvelope:
    """States and regions of countries, for addresses; `q` searches the names."""
    total, states = service.list_states(
        session, q=q, offset=pagination.offset, limit=pagination.per_page
    )
    return StatesEnvelope(
        states=[
            StateOut(name=render.text(s.name), id=s.id, country_id=s.country_id) for s in states
        ],
        meta=pagination.meta(total),
    )


@router.get("/dispatch_modes", summary="How orders reach customers")
def list_dispatch_modes(
    session: SessionDep, render: RenderDep, pagination: PaginationDep, q: SearchQuery = None
) -> DispatchModesEnvelope:
    """How orders reach customers (email, post, pick-up at the museum); `q` searches
    the names."""
    total, modes = service.list_dispatch_modes(
        session, q=q, offset=pagination.offset, limit=pagination.per_page
    )
    return DispatchModesEnvelope(
        dispatch_modes=[DispatchModeOut(name=render.text(m.name), id=m.id) for m in modes],
        meta=pagination.meta(total),
    )
