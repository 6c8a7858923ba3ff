"""Holds: reserve, refresh, release (claimed like sales, through `claiming.claim()`).

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from museion.access import Access, Principal
from museion.availability import queries
from museion.availability.claiming import (
    DEFAULT_HORIZON,
    check_quantity,
    check_ticket,
    claim,
    entry_time,
)
from museion.availability.models import Reservation
from museion.catalogue.tickets import service as tickets
from museion.errors import HoldLimitReached, NotFound, ReservationExpired

# Named by the routes, which may not import models.
__all__ = ["Reservation"]

# go~mus reservations.md: a hold lives 5 minutes, refreshable up to 60 minutes after creation.
RESERVATION_TTL = timedelta(minutes=5)
RESERVATION_MAX_AGE = timedelta(minutes=60)
# Long-expired holds deleted per new hold: more than one, so a backlog shrinks as holds come in.
TIDY_BATCH = 100


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
    check_ticket(ticket, principal)
    check_quantity(ticket, quantity)
    slot, capacities = entry_time(session, ticket, start_at, zone, now, rules.horizon)
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
    check_quantity(ticket, quantity)
    if quantity > reservation.quantity:
        # Growing takes capacity like a new hold does: lock, recount (without this hold), check;
        # and counts against the caps of whoever holds it.
        _, capacities = entry_time(session, ticket, reservation.start_at, zone, now)
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
