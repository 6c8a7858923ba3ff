"""Selling: the one call other domains make to take capacity for good, and to give it back.

`sell()` takes every line of an order or none: it checks each line, locks every quota slot and
date the lines need in one global order, recounts under those locks and writes the sales and
bookings (STYLE.md 6). `end_sales()` makes them binding or gives their capacity back.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from museion.access import Principal
from museion.availability import queries
from museion.availability.claiming import (
    DEFAULT_HORIZON,
    check_quantity,
    check_ticket,
    claim,
    entry_time,
)
from museion.availability.queries import SlotKey
from museion.catalogue.tickets.models import Ticket
from museion.errors import ReservationExpired, SoldOut, Unprocessable


class BookedDate(Protocol):
    """What booking seats needs to know of a date (an EventDate, or an order's plain row)."""

    @property
    def id(self) -> int: ...

    @property
    def seating_id(self) -> int | None: ...

    @property
    def start_at(self) -> datetime: ...


@dataclass(frozen=True)
class Tickets:
    """A ticket line: `quantity` units at the entry time `start_at`, using up the live holds
    `reservations` of this ticket at that time; combined tickets name one entry time per sub
    ticket (go~mus sub_ticket_times). `label` names the line in refusals (`items[0]: ...`)."""

    ticket: Ticket
    quantity: int
    start_at: datetime
    reservations: Sequence[str] = ()
    sub_ticket_times: Mapping[str, datetime] | None = None
    label: str | None = None


@dataclass(frozen=True)
class Seats:
    """A date line: `quantity` seats of a date; with a seat plan exactly `seat_ids`.
    `seat_categories`: seat id -> the seat category its chosen scale price is limited to."""

    event_date: BookedDate
    quantity: int
    seat_ids: Sequence[int] = ()
    seat_categories: Mapping[int, int] = field(default_factory=dict)
    label: str | None = None


@dataclass(frozen=True)
class Sold:
    """What `sell()` wrote for a line: the TicketSale's id (Tickets) or the EventBooking's
    (Seats), and the time the units are for (a ticket's entry time as its slot names it, a
    date's start); a combined ticket's sales also hold each sub ticket's entry time."""

    id: int
    start_at: datetime
    sub_ticket_times: dict[int, datetime] = field(default_factory=dict)


@contextmanager
def _naming(label: str | None) -> Iterator[None]:
    """A refusal while handling a line names the line, as the caller labelled it."""
    try:
        yield
    except Unprocessable as error:
        if label:
            error.message = f"{label}: {error.message}"
            error.args = (error.message,)
        raise


def sell(
    session: Session,
    principal: Principal,
    lines: Sequence[Tickets | Seats],
    *,
    live_until: datetime,
    now: datetime,
    zone: ZoneInfo,
    horizon: timedelta = DEFAULT_HORIZON,
) -> list[Sold]:
    """Sell every line or raise (SoldOut, or Unprocessable for a line that cannot be sold on the
    caller's channel, at that time, in that quantity). The sales count until `live_until`
    unless they become binding (end_sales). One Sold per line, in order."""
    plans = [
        _plan(session, principal, line, zone, now, horizon) if isinstance(line, Tickets) else line
        for line in lines
    ]
    locks = _lock(session, plans, now)
    return [_write(session, plan, live_until, now, locks) for plan in plans]


# --- Plan: check a ticket line without taking anything ---------------------------------------


@dataclass(frozen=True)
class _Plan:
    """A checked ticket line: what `_write` will claim and write."""

    ticket: Ticket
    quantity: int
    start: datetime
    capacities: dict[int, int]  # quota id -> configured capacity at `start`
    tokens: list[str]  # live holds of this ticket at `start`, used up by the sale
    # Combined tickets: one plan per sub ticket at its chosen entry time (go~mus sub_ticket_times).
    parts: tuple[_Plan, ...] = ()
    label: str | None = None


def _plan(
    session: Session,
    principal: Principal,
    line: Tickets,
    zone: ZoneInfo,
    now: datetime,
    horizon: timedelta,
) -> _Plan:
    """Check a ticket line (channel, quantity, entry times within the booking horizon, holds)."""
    with _naming(line.label):
        ticket = line.ticket
        check_ticket(ticket, principal, combined_ok=True)
        check_quantity(ticket, line.quantity)
        slot, capacities = entry_time(session, ticket, line.start_at, zone, now, horizon)
        tokens = _held_for_sale(session, line.reservations, ticket, slot.start, now)
        times = line.sub_ticket_times or {}
        parts = _sub_ticket_plans(session, ticket, line.quantity, times, zone, now, horizon)
        if parts and tokens:
            raise Unprocessable("combined tickets cannot be reserved: send no reservations")
        return _Plan(ticket, line.quantity, slot.start, capacities, tokens, parts, line.label)


def _held_for_sale(
    session: Session, tokens: Sequence[str], ticket: Ticket, start: datetime, now: datetime
) -> list[str]:
    """The live holds a line names; each must be of this ticket at this entry time."""
    tokens = list(dict.fromkeys(tokens))
    live = {r.token: r for r in queries.live_reservations(session, tokens, now)} if tokens else {}
    for token in tokens:
        found = live.get(token)
        if found is None:
            raise ReservationExpired(f"reservation {token} is unknown or not valid anymore")
        if found.ticket_id != ticket.id or found.start_at != start:
            raise Unprocessable(f"reservation {token} holds another ticket or entry time")
    return tokens


def _sub_ticket_plans(
    session: Session,
    ticket: Ticket,
    quantity: int,
    times: Mapping[str, datetime],
    zone: ZoneInfo,
    now: datetime,
    horizon: timedelta,
) -> tuple[_Plan, ...]:
    """go~mus combined tickets: one entry time per sub ticket, each within its own quotas."""
    subs = {str(sub.id): sub for sub in ticket.sub_tickets}
    if set(times) != set(subs):
        if not subs:
            raise Unprocessable(f"ticket {ticket.id} has no sub tickets: send no sub_ticket_times")
        wanted = ", ".join(sorted(subs))
        raise Unprocessable(f"sub_ticket_times needs one entry time per sub ticket ({wanted})")
    plans = []
    for key, sub in sorted(subs.items()):
        # Loaded as a sub ticket, without sub tickets of its own (go~mus nests one level).
        set_committed_value(sub, "sub_tickets", [])
        slot, capacities = entry_time(session, sub, times[key], zone, now, horizon)
        plans.append(_Plan(sub, quantity, slot.start, capacities, []))
    return tuple(plans)


# --- Lock: everything the lines need, before any claim ---------------------------------------


@dataclass(frozen=True)
class _Locks:
    """What `_lock` holds until commit: the claims of the lines count under it."""

    slots: frozenset[SlotKey]
    # date id -> (seats_max, seats_booked) as locked; None: the date cannot be booked.
    dates: Mapping[int, tuple[int, int] | None]


def _lock(session: Session, plans: Sequence[_Plan | Seats], now: datetime) -> _Locks:
    """Lock every quota slot and date the lines need before any claim, in one global order
    (slots ascending, then dates ascending): two orders with overlapping lines then queue
    for each other instead of deadlocking. The claims that follow count under these locks."""
    every = [p for plan in plans if isinstance(plan, _Plan) for p in (plan, *plan.parts)]
    keys = sorted({(q, plan.start) for plan in every for q in plan.capacities})
    if keys:
        queries.lock_slots(session, keys)
    date_ids = sorted({plan.event_date.id for plan in plans if isinstance(plan, Seats)})
    dates = {date_id: queries.lock_date(session, date_id, now) for date_id in date_ids}
    return _Locks(frozenset(keys), dates)


# --- Write: recount under the locks, then insert ---------------------------------------------


def _write(
    session: Session, plan: _Plan | Seats, live_until: datetime, now: datetime, locks: _Locks
) -> Sold:
    with _naming(plan.label):
        if isinstance(plan, Seats):
            booking_id = book_seats(
                session,
                plan.event_date,
                plan.quantity,
                live_until,
                now,
                seat_ids=plan.seat_ids,
                seat_categories=plan.seat_categories,
                locks=locks,
            )
            return Sold(booking_id, plan.event_date.start_at)
        return _sell_tickets(session, plan, live_until, now, locks)


def _sell_tickets(
    session: Session, plan: _Plan, live_until: datetime, now: datetime, locks: _Locks
) -> Sold:
    """Sell a planned line: its holds' units first (they are used up), the rest claimed, or
    SoldOut. Sub ticket sales hang off the sale of their combined ticket."""
    claim(
        session,
        plan.capacities,
        plan.start,
        plan.quantity,
        now,
        except_tokens=plan.tokens,
        held=locks.slots,
    )
    for part in plan.parts:
        claim(session, part.capacities, part.start, part.quantity, now, held=locks.slots)
    if plan.tokens:
        queries.delete_reservations(session, plan.tokens)
    sale_id = queries.insert_sale(
        session,
        {
            "ticket_id": plan.ticket.id,
            "quantity": plan.quantity,
            "start_at": plan.start,
            "live_until": live_until,
            "parent_id": None,
        },
    )
    for part in plan.parts:
        queries.insert_sale(
            session,
            {
                "ticket_id": part.ticket.id,
                "quantity": part.quantity,
                "start_at": part.start,
                "live_until": live_until,
                "parent_id": sale_id,
            },
        )
    return Sold(sale_id, plan.start, {part.ticket.id: part.start for part in plan.parts})


def book_seats(
    session: Session,
    event_date: BookedDate,
    quantity: int,
    live_until: datetime,
    now: datetime,
    *,
    seat_ids: Sequence[int] = (),
    seat_categories: Mapping[int, int] | None = None,
    locks: _Locks | None = None,
) -> int:
    """Book `quantity` seats of a date (with a seat plan: exactly `seat_ids`), or raise SoldOut
    (not bookable, unknown or blocked seats: Unprocessable). One step of `sell()`.

    Seats are counted from the live bookings, under the date's row lock (see EventBooking):
    no counter to keep in step, and bookings of orders never finalized stop counting alone.
    The same lock makes "is this seat still free" and the insert one step: a seat sells once.
    `locks`: the date is locked already (sell). Returns the new EventBooking's id.
    """
    if locks is not None and event_date.id in locks.dates:
        locked = locks.dates[event_date.id]
    else:
        locked = queries.lock_date(session, event_date.id, now)
    if locked is None:
        raise Unprocessable(f"date {event_date.id} cannot be booked (cancelled or started)")
    seats_max, seats_booked = locked
    free = seats_max - seats_booked - queries.booked_seats(session, event_date.id, now)
    if free < quantity:
        raise SoldOut(f"sold out: date {event_date.id} has {max(free, 0)} seats left")
    if seat_ids:
        _check_seats(session, event_date, seat_ids, seat_categories or {}, now)
    booking_id = queries.insert_booking(
        session, {"date_id": event_date.id, "quantity": quantity, "live_until": live_until}
    )
    if seat_ids:
        queries.add_booked_seats(session, booking_id, event_date.id, seat_ids)
    return booking_id


def _check_seats(
    session: Session,
    event_date: BookedDate,
    seat_ids: Sequence[int],
    categories: Mapping[int, int],
    now: datetime,
) -> None:
    """Every seat exists, is open, has the category its price is for, and is still free.
    `categories`: seat id -> the seat category its chosen scale price is limited to."""
    if event_date.seating_id is None:
        raise Unprocessable(f"date {event_date.id} has no seat plan")
    found = queries.seats_of(session, event_date.seating_id, seat_ids)
    unknown = [s for s in seat_ids if s not in found]
    if unknown:
        raise Unprocessable(f"seat {unknown[0]} is not a seat of date {event_date.id}")
    blocked = [s for s in seat_ids if found[s].blocked]
    if blocked:
        raise Unprocessable(f"seat {blocked[0]} is blocked")
    mispriced = [
        s for s in seat_ids if categories.get(s, found[s].category_id) != found[s].category_id
    ]
    if mispriced:
        raise Unprocessable(f"seat {mispriced[0]} is not in the seat category of its scale price")
    taken = queries.live_seat_ids(session, event_date.id, now)
    sold = [s for s in seat_ids if s in taken]
    if sold:
        raise SoldOut(f"sold out: seat {sold[0]} is already sold")


# --- Release ---------------------------------------------------------------------------------


def end_sales(
    session: Session,
    *,
    sale_ids: Collection[int] = (),
    booking_ids: Collection[int] = (),
    live_until: datetime | None,
) -> None:
    """Make sales and bookings binding (None, at finalize), or end them at `live_until`
    (a cancellation: their capacity returns then)."""
    queries.end_sales(session, sale_ids, live_until)
    queries.end_bookings(session, booking_ids, live_until)
