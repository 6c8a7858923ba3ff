"""/tickets, /tickets/content, /tickets/{ticket_id}: the ticket catalogue (go~mus tickets.md).

Live figures (/tickets/capacities, /tickets/calendar, /tickets/{ticket_id}/capacity) and holds
(/tickets/reservations) are availability's; app.py includes its router first, so its fixed
paths are not taken for a ticket id.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Query

from museion.auth import PrincipalDep
from museion.catalogue.tickets import service
from museion.catalogue.tickets.filters import (
    Bookable,
    TicketFilterDep,
    TicketIds,
    ValidAt,
    required,
)
from museion.catalogue.tickets.schemas import (
    TicketContentOut,
    TicketContentsEnvelope,
    TicketDetailOut,
    TicketEnvelope,
    TicketOut,
    TicketsEnvelope,
)
from museion.db import SessionDep
from museion.web import ApiRoute, NowDep, PaginationDep, PathId, RenderDep, SettingsDep

router = APIRouter(tags=["tickets"], route_class=ApiRoute)


@router.get("/tickets", summary="List of tickets")
def list_tickets(
    session: SessionDep,
    principal: PrincipalDep,
    render: RenderDep,
    settings: SettingsDep,
    pagination: PaginationDep,
    now: NowDep,
    f: TicketFilterDep,
    by_bookable: Bookable = None,
    valid_at: ValidAt = None,
) -> TicketsEnvelope:
    """The admission tickets valid on `valid_at` (default today), with their prices,
    entry times and the quota ids whose capacity they draw on. Annual tickets only when asked for
    with `by_ticket_types[]=annual`."""
    total, found, links = service.ticket_page(
        session,
        principal,
        replace(f, valid_at=valid_at or now.astimezone(settings.zone).date()),
        bookable=by_bookable,
        offset=pagination.offset,
        limit=pagination.per_page,
    )
    return TicketsEnvelope(
        tickets=[
            TicketOut.build(t, service.is_bookable(t, principal), links[t.id], render)
            for t in found
        ],
        meta=pagination.meta(total),
    )


# Fixed paths first: /tickets/{ticket_id} would otherwise catch them.


@router.get("/tickets/content", summary="Content attributes of a set of tickets")
def ticket_contents(
    session: SessionDep,
    principal: PrincipalDep,
    render: RenderDep,
    pagination: PaginationDep,
    ticket_ids: TicketIds,
    attr: Annotated[
        str | None, Query(max_length=100, description="Only this content attribute.")
    ] = None,
) -> TicketContentsEnvelope:
    """The content attributes (shop title, texts) of the tickets `ticket_ids[]`;
    `attr` picks one attribute."""
    total, found = service.ticket_contents(
        session,
        principal,
        required(ticket_ids),
        offset=pagination.offset,
        limit=pagination.per_page,
    )
    return TicketContentsEnvelope(
        data=[TicketContentOut.build(t, attr, render) for t in found], meta=pagination.meta(total)
    )


@router.get("/tickets/{ticket_id}", summary="Details of a ticket")
def show_ticket(
    ticket_id: PathId,
    session: SessionDep,
    principal: PrincipalDep,
    render: RenderDep,
    valid_at: ValidAt = None,
) -> TicketEnvelope:
    """One ticket with its prices, entry times, quota ids and content texts."""
    ticket, links = service.ticket_detail(session, principal, ticket_id)
    bookable = service.is_bookable(ticket, principal)
    return TicketEnvelope(ticket=TicketDetailOut.build_detail(ticket, bookable, links, render))
