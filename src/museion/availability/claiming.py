"""Claiming: the one way capacity is taken (STYLE.md 6). Lock the slots, recount, then write.

Holds (holds.py) and sales (selling.py) both go through `claim()`; what they claim is an entry
time of a ticket with the configured capacity of each of its quotas then (`entry_time()`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from museion.access import Principal
from museion.availability import queries
from museion.availability.counting import picture
from museion.availability.queries import SlotKey
from museion.availability.slots import Slot
from museion.catalogue.tickets import service as tickets
from museion.catalogue.tickets.models import Ticket, TicketType
from museion.errors import SoldOut, Unprocessable

DEFAULT_HORIZON = timedelta(days=548)


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
    counted against them. `held`: slots this transaction has already locked (selling.sell).
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


def check_ticket(ticket: Ticket, principal: Principal, *, combined_ok: bool = False) -> None:
    """The ticket can be claimed at all, by this caller."""
    if ticket.sub_tickets and not combined_ok:
        raise Unprocessable("combined tickets cannot be reserved")
    if ticket.is_sub_ticket:
        raise Unprocessable("sub tickets are only sold with their combined ticket")
    if ticket.type is TicketType.ANNUAL:
        raise Unprocessable("annual tickets have no entry times to reserve")
    if not tickets.is_bookable(ticket, principal):
        raise Unprocessable(f"ticket {ticket.id} is not bookable for you")


def check_quantity(ticket: Ticket, quantity: int) -> None:
    if quantity < max(ticket.min_persons, 1):
        raise Unprocessable(f"quantity must be at least {max(ticket.min_persons, 1)}")
    if quantity > ticket.max_persons:
        raise Unprocessable(f"quantity must be at most {ticket.max_persons}")


def entry_time(
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
