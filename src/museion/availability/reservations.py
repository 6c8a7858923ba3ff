"""Holds: reserve, refresh, release; and `claim()`, the one way capacity is taken (STYLE.md 6).

go~mus reservations.md: a hold lives 5 minutes; each update refreshes it, up to 60 minutes
after it was made. Expired holds simply stop counting (`valid_until > now` everywhere).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from museion.auth import Principal
from museion.availability import queries
from museion.availability.models import Reservation
from museion.availability.service import (
    RESERVATION_MAX_AGE,
    RESERVATION_TTL,
    ReservationExpired,
    SoldOut,
    picture,
)
from museion.availability.slots import Slot
from museion.catalogue.tickets import service as tickets
from museion.catalogue.tickets.models import Ticket, TicketType
from museion.errors import NotFound, Unprocessable


def claim(
    session: Session,
    capacities: Mapping[int, int],
    start: datetime,
    quantity: int,
    now: datetime,
    *,
    except_token: str | None = None,
) -> None:
    """Take `quantity` units at `start` in every quota of `capacities` (quota id -> configured
    capacity), or raise SoldOut. The hold or sale is written by the caller in the same
    transaction, while the slot locks are still held.

    `except_token`: a hold being resized; its own units are not counted against it.
    """
    if not capacities:
        raise SoldOut("this ticket has no capacity")
    keys = sorted((quota_id, start) for quota_id in capacities)
    queries.ensure_slots(session, keys)
    # From here until commit no other claim on these slots can count or write (FOR UPDATE on
    # PostgreSQL; on SQLite the write transaction already began with BEGIN IMMEDIATE).
    queries.lock_slots(session, keys)
    used = queries.used_quantities(
        session,
        list(capacities),
        start,
        start + timedelta(microseconds=1),
        now,
        except_tokens=[except_token] if except_token else [],
    )
    for quota_id, at in keys:
        if capacities[quota_id] - used.get((quota_id, at), 0) < quantity:
            raise SoldOut(f"sold out: not enough capacity left for {quantity} at that time")


def _check_ticket(ticket: Ticket, principal: Principal) -> None:
    if ticket.sub_tickets:
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
    session: Session, ticket: Ticket, start_at: datetime, zone: ZoneInfo, now: datetime
) -> tuple[Slot, dict[int, int]]:
    """The entry time `start_at` names, with the configured capacity of each quota then."""
    if start_at.tzinfo is None:
        start_at = start_at.replace(tzinfo=zone)  # no offset given: local time
    day = start_at.astimezone(zone).date()
    seen = picture(session, [ticket], [day], zone, now)
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
) -> Reservation:
    """Hold `quantity` of a ticket at one of its entry times for 5 minutes, if there is room."""
    ticket = tickets.get_ticket(session, principal, ticket_id)
    _check_ticket(ticket, principal)
    _check_quantity(ticket, quantity)
    slot, capacities = _slot(session, ticket, start_at, zone, now)
    claim(session, capacities, slot.start, quantity, now)
    reservation = Reservation(
        token=secrets.token_urlsafe(16),
        ticket_id=ticket.id,
        quantity=quantity,
        start_at=slot.start,
        # Whole seconds on the wire, like go~mus; never longer than the 5 minutes.
        valid_until=now.replace(microsecond=0) + RESERVATION_TTL,
        created_at=now,
    )
    session.add(reservation)
    session.flush()
    return reservation


def _live_reservation(session: Session, token: str, now: datetime) -> Reservation:
    reservation = queries.get_reservation(session, token)
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
) -> Reservation:
    """Change the quantity of a live hold and refresh it: 5 more minutes, at most 60 in all."""
    reservation = _live_reservation(session, token, now)
    ticket = tickets.get_ticket(session, principal, reservation.ticket_id)
    _check_quantity(ticket, quantity)
    if quantity > reservation.quantity:
        # Growing takes capacity like a new hold does: lock, recount (without this hold), check.
        _, capacities = _slot(session, ticket, reservation.start_at, zone, now)
        claim(session, capacities, reservation.start_at, quantity, now, except_token=token)
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


def release_reservation(session: Session, token: str) -> None:
    """Give the units back at once (they would come back by themselves on expiry)."""
    if queries.delete_reservation(session, token) == 0:
        raise NotFound("reservation not found")
