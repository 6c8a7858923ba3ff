"""Holds: reserve, refresh, release; and `claim()`, the one way capacity is taken (STYLE.md 6).

go~mus reservations.md: a hold lives 5 minutes; each update refreshes it, up to 60 minutes
after it was made. Expired holds simply stop counting (`valid_until > now` everywhere); each
new hold deletes a few long-expired ones, so the table stays small without a sweeper job.

Holds cost nothing, so they are capped per client (HoldRules): units held at once, and a share
of one entry time's capacity, counted under a lock per holder; and every hold and sale lies
within the booking horizon. A script cannot keep a museum "sold out" for everyone else.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from museion.auth import Access, Principal
from museion.availability import queries
from museion.availability.models import Reservation
from museion.availability.queries import SlotKey
from museion.availability.service import (
    RESERVATION_MAX_AGE,
    RESERVATION_TTL,
    HoldLimitReached,
    ReservationExpired,
    SoldOut,
    picture,
)
from museion.availability.slots import Slot
from museion.catalogue.tickets import service as tickets
from museion.catalogue.tickets.models import Ticket, TicketType
from museion.errors import NotFound, Unprocessable

# Long-expired holds deleted per new hold: more than one, so a backlog shrinks as holds come in.
TIDY_BATCH = 100
DEFAULT_HORIZON = timedelta(days=548)


@dataclass(frozen=True)
class HoldRules:
    """What a hold must keep to (settings hold_max_units, hold_max_slot_percent,
    booking_horizon_days); 0 turns a cap off."""

    max_units: int = 0
    max_slot_percent: int = 0
    horizon: timedelta = field(default=DEFAULT_HORIZON)


@dataclass(frozen=True)
class Holder:
    """Who asks for a hold: a token, or an anonymous client by a digest of its address (the
    address itself is not stored). Museum staff (user tokens) are not capped."""

    key: str
    capped: bool = True

    @classmethod
    def of(cls, principal: Principal, address: str | None) -> Holder:
        if principal.token_id is not None:
            return cls(f"token:{principal.token_id}", principal.access is not Access.USER)
        digest = hashlib.sha256(f"museion hold holder {address or '-'}".encode()).hexdigest()
        return cls(f"address:{digest[:48]}")


def _check_caps(
    session: Session,
    holder: Holder,
    rules: HoldRules,
    capacities: Mapping[int, int],
    start: datetime,
    quantity: int,
    now: datetime,
    except_tokens: Sequence[str] = (),
) -> None:
    """Refuse a hold that would take the holder past its caps."""
    if not holder.capped:
        return
    share = 0 < rules.max_slot_percent < 100
    if not rules.max_units and not share:
        return
    # Until commit, this holder's other holds wait here: each counts what the last one wrote.
    queries.lock_holder(session, holder.key, now)
    units, per_slot = queries.held_by(session, holder.key, now, except_tokens=except_tokens)
    if rules.max_units and units + quantity > rules.max_units:
        raise HoldLimitReached(
            f"one client may hold at most {rules.max_units} units at once ({units} held now)"
        )
    if share:
        for quota_id, capacity in sorted(capacities.items()):
            allowed = max(1, capacity * rules.max_slot_percent // 100)
            held = per_slot.get((quota_id, start), 0)
            if held + quantity > allowed:
                raise HoldLimitReached(
                    f"one client may hold at most {allowed} units of this entry time "
                    f"({rules.max_slot_percent} % of its capacity; {held} held now)"
                )


def claim(
    session: Session,
    capacities: Mapping[int, int],
    start: datetime,
    quantity: int,
    now: datetime,
    *,
    except_tokens: Sequence[str] = (),
    held: Collection[SlotKey] = (),
) -> None:
    """Take `quantity` units at `start` in every quota of `capacities` (quota id -> configured
    capacity), or raise SoldOut. The hold or sale is written by the caller in the same
    transaction, while the slot locks are still held.

    `except_tokens`: holds being resized or turned into a sale; their own units are not
    counted against them. `held`: slots this transaction has already locked (lock_for_sale).
    """
    if not capacities:
        raise SoldOut("this ticket has no capacity")
    keys = sorted((quota_id, start) for quota_id in capacities)
    missing = [key for key in keys if key not in held]
    if missing:
        # From here until commit no other claim on these slots can count or write (row locks
        # on PostgreSQL; on SQLite the write transaction already began with BEGIN IMMEDIATE).
        queries.lock_slots(session, missing)
    used = queries.used_quantities(
        session,
        list(capacities),
        start,
        start + timedelta(microseconds=1),
        now,
        except_tokens=list(except_tokens),
    )
    for quota_id, at in keys:
        if capacities[quota_id] - used.get((quota_id, at), 0) < quantity:
            raise SoldOut(f"sold out: not enough capacity left for {quantity} at that time")


def _check_ticket(ticket: Ticket, principal: Principal, *, combined_ok: bool = False) -> None:
    if ticket.sub_tickets and not combined_ok:
        raise Unprocessable("combined tickets cannot be reserved")
    if ticket.is_sub_ticket:
        raise Unprocessable("sub tickets are only sold with their combined ticket")
    if ticket.type is TicketType.ANNUAL:
        raise Unprocessable("annual tickets have no entry times to reserve")
    if not tickets.is_bookable(ticket, principal):
        raise Unprocessable(f"ticket {ticket.id} is not bookable for you")


def _check_quantity(ticket: Ticket, quantity: int) -> None:
    if quantity < max(ticket.min_persons, 1):
        raise Unprocessable(f"quantity must be at least {max(ticket.min_persons, 1)}")
    if quantity > ticket.max_persons:
        raise Unprocessable(f"quantity must be at most {ticket.max_persons}")


def _slot(
    session: Session,
    ticket: Ticket,
    start_at: datetime,
    zone: ZoneInfo,
    now: datetime,
    horizon: timedelta | None = None,
) -> tuple[Slot, dict[int, int]]:
    """The entry time `start_at` names, with the configured capacity of each quota then."""
    if start_at.tzinfo is None:
        start_at = start_at.replace(tzinfo=zone)  # no offset given: local time
    if horizon is not None and start_at > now + horizon:
        latest = (now + horizon).astimezone(zone).date()
        raise Unprocessable(
            f"start_at {start_at.isoformat()} lies beyond the booking horizon: entry times up "
            f"to {latest} can be booked"
        )
    day = start_at.astimezone(zone).date()
    # Configured capacities only: what is used is counted by claim(), under the slot locks.
    seen = picture(session, [ticket], [day], zone, now, counted=False)
    slot = next((s for s in seen.ticket_slots(ticket, day) if s.start == start_at), None)
    if slot is None:
        raise Unprocessable(
            f"start_at {start_at.isoformat()} is not an entry time of ticket {ticket.id} "
            "(closed that day, outside first/last entry or off its time slots)"
        )
    if slot.past(now):
        raise Unprocessable(f"start_at {start_at.isoformat()} is in the past")
    capacities = {q: seen.total(q, slot.start) for q in seen.quota_ids.get(ticket.id, [])}
    return slot, capacities


def reserve_tickets(
    session: Session,
    principal: Principal,
    *,
    ticket_id: int,
    quantity: int,
    start_at: datetime,
    zone: ZoneInfo,
    now: datetime,
    holder: Holder,
    rules: HoldRules,
) -> Reservation:
    """Hold `quantity` of a ticket at one of its entry times for 5 minutes, if there is room
    and the holder stays within its caps."""
    ticket = tickets.get_ticket(session, principal, ticket_id)
    _check_ticket(ticket, principal)
    _check_quantity(ticket, quantity)
    slot, capacities = _slot(session, ticket, start_at, zone, now, rules.horizon)
    _check_caps(session, holder, rules, capacities, slot.start, quantity, now)
    claim(session, capacities, slot.start, quantity, now)
    queries.delete_reservations_expired_before(session, now - RESERVATION_MAX_AGE, TIDY_BATCH)
    reservation = Reservation(
        token=secrets.token_urlsafe(16),
        ticket_id=ticket.id,
        quantity=quantity,
        start_at=slot.start,
        # Whole seconds on the wire, like go~mus; never longer than the 5 minutes.
        valid_until=now.replace(microsecond=0) + RESERVATION_TTL,
        created_at=now,
        holder=holder.key,
    )
    session.add(reservation)
    session.flush()
    return reservation


def _museums(principal: Principal) -> list[int] | None:
    return None if principal.museum_ids is None else sorted(principal.museum_ids)


def _live_reservation(
    session: Session, principal: Principal, token: str, now: datetime
) -> Reservation:
    """A museum-limited token reaches only holds of its museums' tickets (others: 404)."""
    reservation = queries.get_reservation(session, token, _museums(principal))
    if reservation is None:
        raise NotFound("reservation not found")
    if reservation.valid_until <= now:
        raise ReservationExpired()
    return reservation


def refresh_reservation(
    session: Session,
    principal: Principal,
    *,
    token: str,
    quantity: int,
    zone: ZoneInfo,
    now: datetime,
    holder: Holder,
    rules: HoldRules,
) -> Reservation:
    """Change the quantity of a live hold and refresh it: 5 more minutes, at most 60 in all."""
    reservation = _live_reservation(session, principal, token, now)
    ticket = tickets.get_ticket(session, principal, reservation.ticket_id)
    _check_quantity(ticket, quantity)
    if quantity > reservation.quantity:
        # Growing takes capacity like a new hold does: lock, recount (without this hold), check;
        # and counts against the caps of whoever holds it.
        _, capacities = _slot(session, ticket, reservation.start_at, zone, now)
        owner = Holder(reservation.holder or holder.key, holder.capped)
        _check_caps(session, owner, rules, capacities, reservation.start_at, quantity, now, [token])
        claim(session, capacities, reservation.start_at, quantity, now, except_tokens=[token])
    valid_until = min(
        now.replace(microsecond=0) + RESERVATION_TTL, reservation.created_at + RESERVATION_MAX_AGE
    )
    if (
        queries.refresh_reservation(
            session, token, quantity=quantity, valid_until=valid_until, now=now
        )
        == 0
    ):
        raise ReservationExpired()
    set_committed_value(reservation, "quantity", quantity)
    set_committed_value(reservation, "valid_until", valid_until)
    return reservation


def release_reservation(session: Session, principal: Principal, token: str) -> None:
    """Give the units back at once (they would come back by themselves on expiry). A
    museum-limited token releases only holds of its museums' tickets."""
    if queries.delete_reservation(session, token, _museums(principal)) == 0:
        raise NotFound("reservation not found")


# --- Sales: what orders take ---------------------------------------------------------------------


@dataclass(frozen=True)
class SalePlan:
    """A checked ticket line of an order: what `sell_tickets` will claim and write."""

    ticket: Ticket
    quantity: int
    start: datetime
    capacities: dict[int, int]  # quota id -> configured capacity at `start`
    tokens: list[str]  # live holds of this ticket at `start`, used up by the sale
    # Combined tickets: one plan per sub ticket at its chosen entry time (go~mus sub_ticket_times).
    parts: tuple[SalePlan, ...] = ()


def _held_for_sale(
    session: Session, tokens: Sequence[str], ticket: Ticket, start: datetime, now: datetime
) -> list[str]:
    """The live holds an order item names; each must be of this ticket at this entry time."""
    tokens = list(dict.fromkeys(tokens))
    live = {r.token: r for r in queries.live_reservations(session, tokens, now)} if tokens else {}
    for token in tokens:
        found = live.get(token)
        if found is None:
            raise ReservationExpired(f"reservation {token} is unknown or not valid anymore")
        if found.ticket_id != ticket.id or found.start_at != start:
            raise Unprocessable(f"reservation {token} holds another ticket or entry time")
    return tokens


def plan_sale(
    session: Session,
    principal: Principal,
    ticket: Ticket,
    *,
    quantity: int,
    start_at: datetime,
    reservation_tokens: Sequence[str],
    zone: ZoneInfo,
    now: datetime,
    horizon: timedelta = DEFAULT_HORIZON,
    sub_ticket_times: Mapping[str, datetime] | None = None,
) -> SalePlan:
    """Check a ticket line (channel, quantity, entry times within the booking horizon, holds)
    without taking anything."""
    _check_ticket(ticket, principal, combined_ok=True)
    _check_quantity(ticket, quantity)
    slot, capacities = _slot(session, ticket, start_at, zone, now, horizon)
    tokens = _held_for_sale(session, reservation_tokens, ticket, slot.start, now)
    parts = _sub_ticket_plans(session, ticket, quantity, sub_ticket_times or {}, zone, now, horizon)
    if parts and tokens:
        raise Unprocessable("combined tickets cannot be reserved: send no reservations")
    return SalePlan(ticket, quantity, slot.start, capacities, tokens, parts)


def _sub_ticket_plans(
    session: Session,
    ticket: Ticket,
    quantity: int,
    times: Mapping[str, datetime],
    zone: ZoneInfo,
    now: datetime,
    horizon: timedelta,
) -> tuple[SalePlan, ...]:
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
        slot, capacities = _slot(session, sub, times[key], zone, now, horizon)
        plans.append(SalePlan(sub, quantity, slot.start, capacities, []))
    return tuple(plans)


class BookedDate(Protocol):
    """What booking seats needs to know of a date (an EventDate, or an order's plain row)."""

    @property
    def id(self) -> int: ...

    @property
    def seating_id(self) -> int | None: ...


@dataclass(frozen=True)
class SaleLocks:
    """What `lock_for_sale` holds until commit: the claims of the order count under it."""

    slots: frozenset[SlotKey]
    # date id -> (seats_max, seats_booked) as locked; None: the date cannot be booked.
    dates: Mapping[int, tuple[int, int] | None]


def lock_for_sale(
    session: Session, plans: Sequence[SalePlan], date_ids: Collection[int], now: datetime
) -> SaleLocks:
    """Lock every quota slot and date an order needs before any claim, in one global order
    (slots ascending, then dates ascending): two orders with overlapping items then queue
    for each other instead of deadlocking. The claims that follow count under these locks."""
    every = [p for plan in plans for p in (plan, *plan.parts)]
    keys = sorted({(q, plan.start) for plan in every for q in plan.capacities})
    if keys:
        queries.lock_slots(session, keys)
    dates = {date_id: queries.lock_date(session, date_id, now) for date_id in sorted(set(date_ids))}
    return SaleLocks(frozenset(keys), dates)


def sell_tickets(
    session: Session, plan: SalePlan, live_until: datetime, now: datetime, locks: SaleLocks
) -> int:
    """Sell a planned line: its holds' units first (they are used up), the rest claimed, or
    SoldOut. The sale counts until `live_until` unless the order becomes binding. Returns the
    id of the new TicketSale (sub ticket sales hang off it)."""
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
    return sale_id


def book_seats(
    session: Session,
    event_date: BookedDate,
    quantity: int,
    live_until: datetime,
    now: datetime,
    *,
    seat_ids: Sequence[int] = (),
    seat_categories: Mapping[int, int] | None = None,
    locks: SaleLocks | None = None,
) -> int:
    """Book `quantity` seats of a date (with a seat plan: exactly `seat_ids`), or raise SoldOut
    (not bookable, unknown or blocked seats: Unprocessable).

    Seats are counted from the live bookings, under the date's row lock (see EventBooking):
    no counter to keep in step, and bookings of orders never finalized stop counting alone.
    The same lock makes "is this seat still free" and the insert one step: a seat sells once.
    `locks`: the date is locked already (lock_for_sale). Returns the new EventBooking's id.
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


def end_sales(
    session: Session,
    *,
    sale_ids: Collection[int] = (),
    booking_ids: Collection[int] = (),
    live_until: datetime | None,
) -> None:
    """Make sales and bookings binding (None), or end them at `live_until` (capacity returns)."""
    queries.end_sales(session, sale_ids, live_until)
    queries.end_bookings(session, booking_ids, live_until)
