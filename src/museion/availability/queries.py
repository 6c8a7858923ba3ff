"""Availability statements: quota links and rules, the counting aggregates, slot locks, holds."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from museion.availability.models import HoldHolder, QuotaRule, QuotaSlot, Reservation, TicketSale
from museion.catalogue.events.models import BookedSeat, DateStatus, EventBooking, EventDate, Seat
from museion.catalogue.tickets.models import TicketMuseum, TicketQuota

SlotKey = tuple[int, datetime]  # (quota id, entry time in UTC)

# Plain tables for the statements of every order: no ORM unit of work, built once.
_sale = cast(Table, TicketSale.__table__)
_booking = cast(Table, EventBooking.__table__)
_booked_seat = cast(Table, BookedSeat.__table__)
_INSERT_SALE = insert(_sale).returning(_sale.c.id)
_INSERT_BOOKING = insert(_booking).returning(_booking.c.id)
_END_SALES = (
    update(_sale)
    # The sub ticket sales of a combined ticket end (or bind) with it.
    .where(
        or_(
            _sale.c.id.in_(bindparam("ids", expanding=True)),
            _sale.c.parent_id.in_(bindparam("parents", expanding=True)),
        )
    )
    .values(live_until=bindparam("until"))
)
_END_BOOKINGS = (
    update(_booking)
    .where(_booking.c.id.in_(bindparam("ids", expanding=True)))
    .values(live_until=bindparam("until"))
)
_slot = cast(Table, QuotaSlot.__table__)
_ticket_quota = cast(Table, TicketQuota.__table__)
_reservation = cast(Table, Reservation.__table__)
_date = cast(Table, EventDate.__table__)


def _used_statement() -> Select[int, datetime, int]:
    """Sold plus held units per quota and entry time in [start, end) (see used_quantities)."""
    quotas: Any = bindparam("quota_ids", expanding=True)
    held = (
        select(_ticket_quota.c.quota_id, _reservation.c.start_at, _reservation.c.quantity)
        .join(_ticket_quota, _ticket_quota.c.ticket_id == _reservation.c.ticket_id)
        .where(
            _ticket_quota.c.quota_id.in_(quotas),
            _reservation.c.start_at >= bindparam("start"),
            _reservation.c.start_at < bindparam("end"),
            _reservation.c.valid_until > bindparam("now"),
            _reservation.c.token.not_in(bindparam("except_tokens", expanding=True)),
        )
    )
    sold = (
        select(_ticket_quota.c.quota_id, _sale.c.start_at, _sale.c.quantity)
        .join(_ticket_quota, _ticket_quota.c.ticket_id == _sale.c.ticket_id)
        .where(
            _ticket_quota.c.quota_id.in_(quotas),
            _sale.c.start_at >= bindparam("start"),
            _sale.c.start_at < bindparam("end"),
            or_(_sale.c.live_until.is_(None), _sale.c.live_until > bindparam("now")),
        )
    )
    both = union_all(held, sold).subquery()
    statement = select(both.c.quota_id, both.c.start_at, func.sum(both.c.quantity)).group_by(
        both.c.quota_id, both.c.start_at
    )
    return cast(Select[int, datetime, int], statement)


# Built once: the same statement object keeps its cache key, so running it costs no rebuild.
_USED = _used_statement()
# Rows: (ticket id, quota id, rule or None), by ticket and quota.
_QUOTAS_AND_RULES = (
    select(TicketQuota.ticket_id, TicketQuota.quota_id, QuotaRule)
    .outerjoin(QuotaRule, QuotaRule.quota_id == TicketQuota.quota_id)
    .where(TicketQuota.ticket_id.in_(bindparam("ticket_ids", expanding=True)))
    .order_by(TicketQuota.ticket_id, TicketQuota.quota_id, QuotaRule.id)
)
# Inserts a missing slot row, or takes the row lock of the existing one, as an UPDATE would
# (to the same values: a HOT update, no index touched). Row by row, in the order of the rows.
_insert_slot = postgresql.insert(_slot)
_LOCK_SLOTS = _insert_slot.on_conflict_do_update(
    index_elements=[_slot.c.quota_id, _slot.c.start_at],
    set_={"quota_id": _insert_slot.excluded.quota_id},
)
_LOCK_DATE = (
    select(_date.c.seats_max, _date.c.seats_booked)
    .where(
        _date.c.id == bindparam("date_id"),
        _date.c.status == DateStatus.BOOKED.value,
        _date.c.start_at > bindparam("now"),
    )
    .with_for_update()
)
_BOOKED_SEATS = select(func.coalesce(func.sum(EventBooking.quantity), 0)).where(
    EventBooking.date_id == bindparam("date_id"), EventBooking.live_at(bindparam("now"))
)
_LIVE_SEAT_IDS = (
    select(BookedSeat.seat_id)
    .join(EventBooking, EventBooking.id == BookedSeat.booking_id)
    .where(BookedSeat.date_id == bindparam("date_id"), EventBooking.live_at(bindparam("now")))
)


def quotas_and_rules(
    session: Session, ticket_ids: Collection[int]
) -> tuple[dict[int, list[int]], dict[int, list[QuotaRule]]]:
    """ticket id -> its quota ids (ascending; [] without a quota), and the capacity rules of
    those quotas, in one statement."""
    quota_ids: dict[int, list[int]] = {ticket_id: [] for ticket_id in ticket_ids}
    rules: dict[int, list[QuotaRule]] = {}
    if not ticket_ids:
        return quota_ids, rules
    seen: set[int] = set()
    for ticket_id, quota_id, rule in session.execute(
        _QUOTAS_AND_RULES, {"ticket_ids": list(ticket_ids)}
    ):
        if not quota_ids[ticket_id] or quota_ids[ticket_id][-1] != quota_id:
            quota_ids[ticket_id].append(quota_id)
        found = rules.setdefault(quota_id, [])
        if rule is not None and rule.id not in seen:
            seen.add(rule.id)
            found.append(rule)
    return quota_ids, rules


def used_quantities(
    session: Session,
    quota_ids: Collection[int],
    start: datetime,
    end: datetime,
    now: datetime,
    *,
    except_tokens: Sequence[str] = (),
) -> dict[SlotKey, int]:
    """Units used per quota and entry time in [start, end), in one statement.

    A reservation or sale of a ticket uses its quantity in every quota of that ticket. Holds
    count while `valid_until > now` (expired ones count for nothing: no sweeper has to run);
    sales while binding (`live_until` NULL) or their pending order is not past its deadline,
    so cancelled sales and orders never finalized stop counting by themselves (TicketSale).
    """
    if not quota_ids:
        return {}
    parameters = {
        "quota_ids": list(quota_ids),
        "start": start,
        "end": end,
        "now": now,
        "except_tokens": list(except_tokens),
    }
    rows = session.connection().execute(_USED, parameters).all()
    return {(quota_id, at): int(total) for quota_id, at, total in rows}


def lock_slots(session: Session, keys: Sequence[SlotKey]) -> None:
    """Lock the slot rows of `keys` until commit, in ascending key order, creating the ones
    that do not exist yet.

    Claims serialize on these rows: whoever holds them recounts and inserts undisturbed.
    Ascending (quota_id, start_at) order everywhere means two claims can never deadlock.
    PostgreSQL: one upsert, which inserts a missing row (a concurrent first claim of the same
    slot waits for it and then locks it) or locks the existing one. SQLite: nothing to do, the
    write transaction began with BEGIN IMMEDIATE and holds the database's only write lock.
    """
    if session.get_bind().dialect.name == "sqlite":
        return
    rows = [{"quota_id": quota_id, "start_at": start} for quota_id, start in sorted(keys)]
    session.execute(_LOCK_SLOTS, rows)


_holder = cast(Table, HoldHolder.__table__)
_insert_holder = postgresql.insert(_holder)
# Inserts the holder's row or takes its row lock (as lock_slots does for slots).
_LOCK_HOLDER = _insert_holder.on_conflict_do_update(
    index_elements=[_holder.c.key], set_={"seen_at": _insert_holder.excluded.seen_at}
)
_HELD_BY: Select[int, datetime, int] = (
    select(_ticket_quota.c.quota_id, _reservation.c.start_at, _reservation.c.quantity)
    .join(_ticket_quota, _ticket_quota.c.ticket_id == _reservation.c.ticket_id)
    .where(
        _reservation.c.holder == bindparam("holder"),
        _reservation.c.valid_until > bindparam("now"),
        _reservation.c.token.not_in(bindparam("except_tokens", expanding=True)),
    )
)
_UNITS_HELD_BY = select(func.coalesce(func.sum(_reservation.c.quantity), 0)).where(
    _reservation.c.holder == bindparam("holder"),
    _reservation.c.valid_until > bindparam("now"),
    _reservation.c.token.not_in(bindparam("except_tokens", expanding=True)),
)


def lock_holder(session: Session, holder: str, now: datetime) -> None:
    """Lock the holder's row until commit (creating it): its holds are counted one at a time.
    SQLite: nothing to do, the write transaction holds the database's only write lock."""
    if session.get_bind().dialect.name == "sqlite":
        return
    session.execute(_LOCK_HOLDER, {"key": holder, "seen_at": now})


def held_by(
    session: Session, holder: str, now: datetime, *, except_tokens: Sequence[str] = ()
) -> tuple[int, dict[SlotKey, int]]:
    """Live units the holder holds: in all, and per quota slot."""
    parameters: dict[str, Any] = {
        "holder": holder,
        "now": now,
        "except_tokens": list(except_tokens),
    }
    units = int(session.scalar(_UNITS_HELD_BY, parameters) or 0)
    per_slot: dict[SlotKey, int] = {}
    for quota_id, start_at, quantity in session.execute(_HELD_BY, parameters):
        per_slot[(quota_id, start_at)] = per_slot.get((quota_id, start_at), 0) + int(quantity)
    return units, per_slot


def delete_reservations_expired_before(session: Session, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` holds that expired before `cutoff`; returns how many."""
    # SKIP LOCKED (PostgreSQL; SQLite has one writer anyway): writers tidying at the same time
    # take different rows instead of queueing behind each other's uncommitted deletes.
    old = (
        select(_reservation.c.id)
        .where(_reservation.c.valid_until < cutoff)
        .order_by(_reservation.c.valid_until)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    result = session.execute(
        delete(Reservation)
        .where(Reservation.id.in_(old))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _hold_in_museums(museum_ids: Sequence[int] | None) -> list[ColumnElement[bool]]:
    """A museum-limited token reaches only holds of tickets it can see (and could have held):
    tickets of one of its museums."""
    if museum_ids is None:
        return []
    of_museums = select(TicketMuseum.ticket_id).where(TicketMuseum.museum_id.in_(museum_ids))
    return [Reservation.ticket_id.in_(of_museums)]


def get_reservation(
    session: Session, token: str, museum_ids: Sequence[int] | None = None
) -> Reservation | None:
    statement = select(Reservation).where(Reservation.token == token, *_hold_in_museums(museum_ids))
    return session.scalars(statement).first()


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


def delete_reservation(session: Session, token: str, museum_ids: Sequence[int] | None) -> int:
    result = session.execute(
        delete(Reservation).where(Reservation.token == token, *_hold_in_museums(museum_ids))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def live_reservations(session: Session, tokens: Sequence[str], now: datetime) -> list[Reservation]:
    statement = select(Reservation).where(
        Reservation.token.in_(tokens), Reservation.valid_until > now
    )
    return list(session.scalars(statement))


def delete_reservations(session: Session, tokens: Sequence[str]) -> None:
    session.execute(delete(Reservation).where(Reservation.token.in_(tokens)))


def end_sales(session: Session, sale_ids: Collection[int], live_until: datetime | None) -> None:
    """Make sales binding (None) or end them (a time at which they stop counting)."""
    if sale_ids:
        ids = list(sale_ids)
        session.execute(_END_SALES, {"ids": ids, "parents": ids, "until": live_until})


def insert_sale(session: Session, values: Mapping[str, Any]) -> int:
    """A new ticket sale (ticket_id, quantity, start_at, live_until, parent_id); its id."""
    return int(session.execute(_INSERT_SALE, dict(values)).scalar_one())


def insert_booking(session: Session, values: Mapping[str, Any]) -> int:
    """A new event booking (date_id, quantity, live_until); its id."""
    return int(session.execute(_INSERT_BOOKING, dict(values)).scalar_one())


def lock_date(session: Session, date_id: int, now: datetime) -> tuple[int, int] | None:
    """SELECT ... FOR UPDATE on a date that can still be booked: (seats_max, seats_booked)."""
    # Seat claims of one date serialize on its row: whoever holds it recounts the live
    # bookings and inserts undisturbed (STYLE.md 6.1). Several dates lock in ascending id order.
    row = session.execute(_LOCK_DATE, {"date_id": date_id, "now": now}).first()
    return None if row is None else (int(row[0]), int(row[1]))


def booked_seats(session: Session, date_id: int, now: datetime) -> int:
    """Seats of the live bookings of one date (counted after lock_date, never in its statement:
    a count in the locking statement would see the snapshot from before the lock was granted)."""
    total = session.scalar(_BOOKED_SEATS, {"date_id": date_id, "now": now})
    return int(total or 0)


def end_bookings(
    session: Session, booking_ids: Collection[int], live_until: datetime | None
) -> None:
    """Make bookings binding (None) or end them (a time at which they stop counting)."""
    if booking_ids:
        session.execute(_END_BOOKINGS, {"ids": list(booking_ids), "until": live_until})


def seats_of(session: Session, seating_id: int, seat_ids: Collection[int]) -> dict[int, Seat]:
    """The seats among `seat_ids` that belong to the seat plan."""
    statement = select(Seat).where(Seat.seating_id == seating_id, Seat.id.in_(seat_ids))
    return {seat.id: seat for seat in session.scalars(statement)}


def add_booked_seats(
    session: Session, booking_id: int, date_id: int, seat_ids: Collection[int]
) -> None:
    session.execute(
        insert(_booked_seat),
        [{"booking_id": booking_id, "date_id": date_id, "seat_id": s} for s in seat_ids],
    )


def live_seat_ids(session: Session, date_id: int, now: datetime) -> set[int]:
    """Seats of the date held by live bookings (read after lock_date, like booked_seats)."""
    return set(session.scalars(_LIVE_SEAT_IDS, {"date_id": date_id, "now": now}))
