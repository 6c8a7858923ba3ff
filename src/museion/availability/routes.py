"""/tickets/capacities, /tickets/calendar, /tickets/{ticket_id}/capacity, /tickets/reservations:
live capacity and holds (go~mus tickets.md, holds.md). The ticket catalogue itself
(/tickets, /tickets/{ticket_id}, /tickets/content) is catalogue/tickets/routes.py; app.py includes
this router before it, so that these fixed paths are not taken for a ticket id."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response
from fastapi.openapi.models import Example

from museion.access import ALL_BUT_ENTRY, Principal
from museion.auth import PrincipalDep, require
from museion.availability import counting, holds
from museion.availability.holds import Reservation
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
from museion.catalogue.tickets.filters import Bookable, TicketFilterDep, TicketIds, required
from museion.config import Settings
from museion.db import SessionDep
from museion.errors import Unprocessable
from museion.web import (
    ApiDate,
    ApiRoute,
    NowDep,
    PathId,
    Render,
    RenderDep,
    SettingsDep,
    example_time,
)

router = APIRouter(tags=["tickets"], route_class=ApiRoute)

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


def _today(settings: SettingsDep, now: datetime) -> date:
    return now.astimezone(settings.zone).date()


def _key(moment: datetime, render: Render) -> str:
    return render.time(moment).isoformat()


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
    found = counting.quota_capacities(
        session,
        principal,
        required(ticket_ids),
        date or _today(settings, now),
        settings.zone,
        now,
        own_tokens,
    )
    return CapacitiesEnvelope(
        data={
            # Built from values of the right types: nothing to validate.
            str(quota_id): QuotaCapacitiesOut.model_construct(
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
    days = counting.calendar_days(start_at, end_at, _today(settings, now), settings.zone)
    args = (session, principal, f, days, settings.zone, now)
    if depth == "any":
        busy = counting.calendar_any(*args, bookable=by_bookable, own_tokens=own_tokens)
        return TicketCalendarAnyEnvelope(data={day.isoformat(): b for day, b in busy.items()})
    per_day = counting.calendar_all(*args, bookable=by_bookable, own_tokens=own_tokens)
    return TicketCalendarAllEnvelope(
        data={
            day.isoformat(): [
                CalendarEntryOut.model_construct(
                    quota=CalendarQuotaOut.model_construct(
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


def _hold_rules(settings: Settings) -> holds.HoldRules:
    return holds.HoldRules(
        max_units=settings.hold_max_units,
        max_slot_percent=settings.hold_max_slot_percent,
        horizon=settings.booking_horizon,
    )


def _holder(request: Request, principal: Principal) -> holds.Holder:
    # The client address as uvicorn reports it (X-Forwarded-For only from trusted proxies).
    address = request.client.host if request.client is not None else None
    return holds.Holder.of(principal, address)


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
    reservation = holds.reserve_tickets(
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
    reservation = holds.refresh_reservation(
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
    holds.release_reservation(session, principal, token)
    return Response(status_code=204)


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
    free = counting.ticket_capacity(
        session,
        principal,
        ticket_id,
        date or _today(settings, now),
        settings.zone,
        now,
        own_tokens,
    )
    return CapacityEnvelope(data={_key(t, render): n for t, n in free.items()})
