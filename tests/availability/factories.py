"""Builders for tickets, quotas and holds; every argument has a sensible default."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from museion.availability.models import Quota, QuotaRule, Reservation
from museion.catalogue.museums.models import Museum
from museion.catalogue.tickets.models import Ticket, TicketQuota

_counter = iter(range(1, 1_000_000))


def make_ticket(
    session: Session,
    *,
    museums: Sequence[Museum] = (),
    quotas: Sequence[Quota] = (),
    **overrides: Any,
) -> Ticket:
    """A public time-slot ticket, 10:00 to 16:00 every 30 minutes, of no museum (always open)."""
    n = next(_counter)
    fields: dict[str, Any] = {
        "title": {"de": f"Ticket {n}", "en": f"Ticket {n} en"},
        "ticket_type": "time_slot",
        "first_entry": 600,
        "last_entry": 960,
        "entry_duration": 30,
        "price_cents": 1000,
        "min_persons": 1,
        "max_persons": 10,
    }
    ticket = Ticket(**(fields | overrides))
    ticket.museums = list(museums)
    session.add(ticket)
    session.flush()
    session.add_all(TicketQuota(ticket_id=ticket.id, quota_id=q.id) for q in quotas)
    session.flush()
    return ticket


def make_quota(session: Session, capacity: int | None = 10, *rules: QuotaRule) -> Quota:
    """A quota with a default capacity per entry time (None: no default rule) and more rules."""
    quota = Quota(title=f"Quota {next(_counter)}")
    if capacity is not None:
        quota.rules.append(QuotaRule(capacity=capacity))
    quota.rules.extend(rules)
    session.add(quota)
    session.flush()
    return quota


def rule(
    capacity: int, *, weekday: int | None = None, between: tuple[date, date] | None = None
) -> QuotaRule:
    valid_from, valid_to = between or (None, None)
    return QuotaRule(capacity=capacity, weekday=weekday, valid_from=valid_from, valid_to=valid_to)


def make_hold(
    session: Session,
    ticket: Ticket,
    start_at: datetime,
    quantity: int,
    *,
    now: datetime,
    minutes: int = 5,
) -> Reservation:
    reservation = Reservation(
        token=f"hold-{next(_counter)}",
        ticket_id=ticket.id,
        quantity=quantity,
        start_at=start_at,
        valid_until=now + timedelta(minutes=minutes),
        created_at=now,
    )
    session.add(reservation)
    session.flush()
    return reservation
