"""Availability statements: quota links and rules, the counting aggregates, slot locks, holds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from museion.availability.models import QuotaRule, QuotaSlot, Reservation, TicketQuota

SlotKey = tuple[int, datetime]  # (quota id, entry time in UTC)


def quota_ids_of(session: Session, ticket_ids: Collection[int]) -> dict[int, list[int]]:
    """ticket id -> its quota ids, ascending; tickets without a quota map to []."""
    found: dict[int, list[int]] = {ticket_id: [] for ticket_id in ticket_ids}
    if not ticket_ids:
        return found
    rows = session.execute(
        select(TicketQuota.ticket_id, TicketQuota.quota_id)
        .where(TicketQuota.ticket_id.in_(ticket_ids))
        .order_by(TicketQuota.ticket_id, TicketQuota.quota_id)
    )
    for ticket_id, quota_id in rows:
        found[ticket_id].append(quota_id)
    return found


def rules_of(session: Session, quota_ids: Collection[int]) -> dict[int, list[QuotaRule]]:
    found: dict[int, list[QuotaRule]] = {quota_id: [] for quota_id in quota_ids}
    if quota_ids:
        statement = select(QuotaRule).where(QuotaRule.quota_id.in_(quota_ids))
        for rule in session.scalars(statement):
            found[rule.quota_id].append(rule)
    return found


def held_quantities(
    session: Session,
    quota_ids: Collection[int],
    start: datetime,
    end: datetime,
    now: datetime,
    *,
    except_tokens: Sequence[str] = (),
) -> dict[SlotKey, int]:
    """Units held by live reservations per quota and entry time in [start, end).

    A reservation of a ticket holds its quantity in every quota of that ticket. Expired holds
    (`valid_until <= now`) count for nothing: no sweeper has to run first.
    """
    if not quota_ids:
        return {}
    statement = (
        select(TicketQuota.quota_id, Reservation.start_at, func.sum(Reservation.quantity))
        .join(TicketQuota, TicketQuota.ticket_id == Reservation.ticket_id)
        .where(
            TicketQuota.quota_id.in_(quota_ids),
            Reservation.start_at >= start,
            Reservation.start_at < end,
            Reservation.valid_until > now,
        )
        .group_by(TicketQuota.quota_id, Reservation.start_at)
    )
    if except_tokens:
        statement = statement.where(Reservation.token.not_in(except_tokens))
    return {(quota_id, at): int(total) for quota_id, at, total in session.execute(statement)}


def sold_quantities(
    session: Session, quota_ids: Collection[int], start: datetime, end: datetime
) -> dict[SlotKey, int]:
    """Units sold per quota and entry time in [start, end).

    Orders arrive with issue 5: their ticket items (and the sub ticket times of combined
    tickets) are summed here, per quota of the ticket, the same way `held_quantities` sums
    holds. Every capacity figure and every claim already adds this number.
    """
    return {}


def used_quantities(
    session: Session,
    quota_ids: Collection[int],
    start: datetime,
    end: datetime,
    now: datetime,
    *,
    except_tokens: Sequence[str] = (),
) -> dict[SlotKey, int]:
    """Sold plus live holds per quota and entry time."""
    used: dict[SlotKey, int] = defaultdict(int)
    for source in (
        held_quantities(session, quota_ids, start, end, now, except_tokens=except_tokens),
        sold_quantities(session, quota_ids, start, end),
    ):
        for key, quantity in source.items():
            used[key] += quantity
    return dict(used)


def ensure_slots(session: Session, keys: Sequence[SlotKey]) -> None:
    """Insert the slot rows that do not exist yet; existing ones stay untouched."""
    rows = [{"quota_id": quota_id, "start_at": start} for quota_id, start in keys]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # Concurrent first claims of one slot: ON CONFLICT makes the loser wait and then skip,
    # instead of failing on the primary key.
    session.execute(insert(QuotaSlot).values(rows).on_conflict_do_nothing())


def lock_slots(session: Session, keys: Sequence[SlotKey]) -> None:
    """SELECT ... FOR UPDATE on the slot rows, in ascending key order."""
    conditions = [(QuotaSlot.quota_id == q) & (QuotaSlot.start_at == at) for q, at in keys]

    # Claims serialize on these rows: whoever holds them recounts and inserts undisturbed.
    # Ascending (quota_id, start_at) order everywhere means two claims can never deadlock.
    statement = (
        select(QuotaSlot.quota_id)
        .where(or_(*conditions))
        .order_by(QuotaSlot.quota_id, QuotaSlot.start_at)
        .with_for_update()
    )
    session.execute(statement).all()


def get_reservation(session: Session, token: str) -> Reservation | None:
    return session.scalars(select(Reservation).where(Reservation.token == token)).first()


def refresh_reservation(
    session: Session, token: str, *, quantity: int, valid_until: datetime, now: datetime
) -> int:
    """Change quantity and validity of a live hold; the row count says whether it was live."""
    # Conditional on `valid_until > now`: a hold that expired meanwhile must not come back
    # to life (its units may already be someone else's).
    result = session.execute(
        update(Reservation)
        .where(Reservation.token == token, Reservation.valid_until > now)
        .values(quantity=quantity, valid_until=valid_until)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def delete_reservation(session: Session, token: str) -> int:
    result = session.execute(delete(Reservation).where(Reservation.token == token))
    return int(result.rowcount)  # type: ignore[attr-defined]
