"""/tickets...: the ticket catalogue with quota ids, live capacity, calendar, reservations
(go~mus tickets.md, reservations.md). The fixed paths come before /tickets/{ticket_id}."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response
from fastapi.openapi.models import Example

from museion.auth import ALL_BUT_ENTRY, Principal, PrincipalDep, require
from museion.availability import reservations, service
from museion.availability.models import Reservation
from museion.availability.schemas import (
    CALENDAR_TIME,
    CalendarEntryOut,
    CalendarQuotaOut,
    CapacitiesEnvelope,
    CapacityEnvelope,
    QuotaCapacitiesOut,
    ReservationCreate,
    ReservationEnvelope,
    ReservationOut,
    ReservationUpdate,
    TicketCalendarAllEnvelope,
    TicketCalendarAnyEnvelope,
)
from museion.catalogue.events.filters import Depth, EndAt, StartAt
from museion.catalogue.tickets.filters import Bookable, TicketFilterDep, ValidAt
from museion.catalogue.tickets.schemas import (
    TicketContentOut,
    TicketContentsEnvelope,
    TicketDetailOut,
    TicketEnvelope,
    TicketOut,
    TicketsEnvelope,
)
from museion.config import Settings
from museion.db import SessionDep
from museion.errors import Unprocessable
from museion.web import (
    ApiDate,
    NowDep,
    PaginationDep,
    PathId,
    Render,
    RenderDep,
    SettingsDep,
    example_time,
    id_list,
)

router = APIRouter(tags=["tickets"])

_ticket_ids = id_list("ticket_ids", description="The tickets asked about (required).")
TicketIds = Annotated[list[int] | None, Depends(_ticket_ids)]
Day = Annotated[ApiDate | None, Query(description="Day (YYYY-MM-DD); default today.")]
Token = Annotated[str, Path(min_length=1, max_length=64)]
MAX_TOKENS = 100
# Holds: anyone, with or without a token, but entry gates (403).
MayHold = Annotated[Principal, Depends(require(*ALL_BUT_ENTRY))]

# Examples for the API docs that work against `museion demo` (ticket 1: the Kunsthalle's
# regular time-slot ticket; the Kunsthalle is open on Wednesdays from 10:00).
RESERVATION_EXAMPLES: dict[str, Example] = {
    "hold": {
        "summary": "Hold two tickets for one entry time",
        "value": {"reservation": {"ticket_id": 1, "quantity": 2, "start_at": example_time(10, 30)}},
    }
}
RESERVATION_CHANGE_EXAMPLES: dict[str, Example] = {
    "more": {"summary": "Hold three instead", "value": {"reservation": {"quantity": 3}}}
}


async def _reservation_tokens(
    bracket: Annotated[
        list[str] | None,
        Query(
            alias="reservations[]",
            max_length=64,
            description="Your own reservation tokens: their units count as free for you.",
        ),
    ] = None,
    plain: Annotated[
        list[str] | None, Query(alias="reservations", max_length=64, include_in_schema=False)
    ] = None,
) -> list[str]:
    tokens = list(dict.fromkeys([*(bracket or []), *(plain or [])]))
    if len(tokens) > MAX_TOKENS:
        raise Unprocessable(f"at most {MAX_TOKENS} reservations[] at once")
    return tokens


OwnTokens = Annotated[list[str], Depends(_reservation_tokens)]


def _required(ticket_ids: list[int] | None) -> list[int]:
    if not ticket_ids:
        raise Unprocessable("ticket_ids[] is required")
    return ticket_ids


def _today(settings: SettingsDep, now: datetime) -> date:
    return now.astimezone(settings.zone).date()


def _key(moment: datetime, render: Render) -> str:
    return render.time(moment).isoformat()


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
    total, found, quota_ids = service.ticket_page(
        session,
        principal,
        replace(f, valid_at=valid_at or _today(settings, now)),
        bookable=by_bookable,
        offset=pagination.offset,
        limit=pagination.per_page,
    )
    return TicketsEnvelope(
        tickets=[
            TicketOut.build(t, service.is_bookable(t, principal), quota_ids[t.id], render)
            for t in found
        ],
        meta=pagination.meta(total),
    )


# Fixed paths first: /tickets/{ticket_id} would otherwise catch them.


@router.get("/tickets/capacities", summary="Free and configured capacity per quota, one day")
def ticket_capacities(
    session: SessionDep,
    principal: PrincipalDep,
    render: RenderDep,
    settings: SettingsDep,
    now: NowDep,
    ticket_ids: TicketIds,
    own_tokens: OwnTokens,
    date: Day = None,
) -> CapacitiesEnvelope:
    """For each quota the tickets `ticket_ids[]` draw on: free units per entry
    time of one day (`capacities`) and the configured capacity (`total_capacities`). Your own
    `reservations[]` count as free."""
    found = service.quota_capacities(
        session,
        principal,
        _required(ticket_ids),
        date or _today(settings, now),
        settings.zone,
        now,
        own_tokens,
    )
    return CapacitiesEnvelope(
        data={
            str(quota_id): QuotaCapacitiesOut(
                tickets=q.ticket_ids,
                capacities={_key(t, render): n for t, n in q.capacities.items()},
                total_capacities={_key(t, render): n for t, n in q.total_capacities.items()},
            )
            for quota_id, q in found.items()
        }
    )


@router.get("/tickets/calendar", summary="Per day: is anything bookable (any) or what (all)")
def ticket_calendar(
    session: SessionDep,
    principal: PrincipalDep,
    render: RenderDep,
    settings: SettingsDep,
    now: NowDep,
    f: TicketFilterDep,
    own_tokens: OwnTokens,
    start_at: StartAt = None,
    end_at: EndAt = None,
    depth: Depth = "any",
    by_bookable: Bookable = None,
) -> TicketCalendarAnyEnvelope | TicketCalendarAllEnvelope:
    """Per day from `start_at` to `end_at`: whether any ticket has free capacity
    (`depth=any`, the default) or the free units per quota and entry time (`depth=all`)."""
    days = service.calendar_days(start_at, end_at, _today(settings, now), settings.zone)
    args = (session, principal, f, days, settings.zone, now)
    if depth == "any":
        busy = service.calendar_any(*args, bookable=by_bookable, own_tokens=own_tokens)
        return TicketCalendarAnyEnvelope(data={day.isoformat(): b for day, b in busy.items()})
    per_day = service.calendar_all(*args, bookable=by_bookable, own_tokens=own_tokens)
    return TicketCalendarAllEnvelope(
        data={
            day.isoformat(): [
                CalendarEntryOut(
                    quota=CalendarQuotaOut(
                        id=q.quota_id,
                        tickets=q.ticket_ids,
                        capacities=[
                            {render.time(t).strftime(CALENDAR_TIME): n}
                            for t, n in q.capacities.items()
                        ],
                    )
                )
                for q in quotas
            ]
            for day, quotas in per_day.items()
        }
    )


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
        _required(ticket_ids),
        offset=pagination.offset,
        limit=pagination.per_page,
    )
    return TicketContentsEnvelope(
        data=[TicketContentOut.build(t, attr, render) for t in found], meta=pagination.meta(total)
    )


def _reservation_out(reservation: Reservation, render: Render) -> ReservationEnvelope:
    return ReservationEnvelope(
        reservation=ReservationOut(
            token=reservation.token,
            quantity=reservation.quantity,
            ticket_id=reservation.ticket_id,
            start_at=render.time(reservation.start_at),
            valid_until=render.time(reservation.valid_until),
        )
    )


def _hold_rules(settings: Settings) -> reservations.HoldRules:
    return reservations.HoldRules(
        max_units=settings.hold_max_units,
        max_slot_percent=settings.hold_max_slot_percent,
        horizon=settings.booking_horizon,
    )


def _holder(request: Request, principal: Principal) -> reservations.Holder:
    # The client address as uvicorn reports it (X-Forwarded-For only from trusted proxies).
    address = request.client.host if request.client is not None else None
    return reservations.Holder.of(principal, address)


@router.post(
    "/tickets/reservations",
    status_code=201,
    summary="Hold tickets for 5 minutes (a reservation)",
    responses={404: {"description": "No such ticket (or outside the token's museums)."}},
)
def create_reservation(
    request: Request,
    body: Annotated[ReservationCreate, Body(openapi_examples=RESERVATION_EXAMPLES)],
    session: SessionDep,
    principal: MayHold,
    render: RenderDep,
    settings: SettingsDep,
    now: NowDep,
) -> ReservationEnvelope:
    """Holds `quantity` units of a ticket at one entry time for 5 minutes, so
    that a shop can take payment details without selling the slot twice. The answer's `token` goes
    into the order item's `reservations`. Sold out, a past or closed entry time, combined, sub and
    annual tickets are refused (422)."""
    reservation = reservations.reserve_tickets(
        session,
        principal,
        ticket_id=body.reservation.ticket_id,
        quantity=body.reservation.quantity,
        start_at=body.reservation.start_at,
        zone=settings.zone,
        now=now,
        holder=_holder(request, principal),
        rules=_hold_rules(settings),
    )
    return _reservation_out(reservation, render)


@router.put("/tickets/reservations/{token}", summary="Change the quantity of a hold; refreshes it")
def update_reservation(
    request: Request,
    token: Token,
    body: Annotated[ReservationUpdate, Body(openapi_examples=RESERVATION_CHANGE_EXAMPLES)],
    session: SessionDep,
    principal: MayHold,
    render: RenderDep,
    settings: SettingsDep,
    now: NowDep,
) -> ReservationEnvelope:
    """Changes the quantity of a live hold and refreshes it for another 5
    minutes, up to 60 minutes after it was made. An expired hold is refused (422)."""
    reservation = reservations.refresh_reservation(
        session,
        principal,
        token=token,
        quantity=body.reservation.quantity,
        zone=settings.zone,
        now=now,
        holder=_holder(request, principal),
        rules=_hold_rules(settings),
    )
    return _reservation_out(reservation, render)


@router.delete(
    "/tickets/reservations/{token}",
    status_code=204,
    response_class=Response,
    summary="Release a hold at once",
)
def delete_reservation(token: Token, session: SessionDep, principal: MayHold) -> Response:
    """Gives the held units back at once (an unused hold also ends by itself
    after 5 minutes)."""
    reservations.release_reservation(session, principal, token)
    return Response(status_code=204)


@router.get("/tickets/{ticket_id}", summary="Details of a ticket")
def show_ticket(
    ticket_id: PathId,
    session: SessionDep,
    principal: PrincipalDep,
    render: RenderDep,
    valid_at: ValidAt = None,
) -> TicketEnvelope:
    """One ticket with its prices, entry times, quota ids and content texts."""
    ticket, quota_ids = service.ticket_detail(session, principal, ticket_id)
    bookable = service.is_bookable(ticket, principal)
    return TicketEnvelope(ticket=TicketDetailOut.build_detail(ticket, bookable, quota_ids, render))


@router.get("/tickets/{ticket_id}/capacity", summary="Free units per entry time of one day")
def ticket_capacity(
    ticket_id: PathId,
    session: SessionDep,
    principal: PrincipalDep,
    render: RenderDep,
    settings: SettingsDep,
    now: NowDep,
    own_tokens: OwnTokens,
    date: Day = None,
) -> CapacityEnvelope:
    """Free units of one ticket per entry time of one day (`date`, default today);
    your own `reservations[]` count as free."""
    free = service.ticket_capacity(
        session,
        principal,
        ticket_id,
        date or _today(settings, now),
        settings.zone,
        now,
        own_tokens,
    )
    return CapacityEnvelope(data={_key(t, render): n for t, n in free.items()})
