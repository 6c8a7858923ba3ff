"""Order statements: loading orders with what their items show, lists, status transitions."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, delete, exists, func, not_, select, update
from sqlalchemy.orm import Session, joinedload, load_only, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from museion.catalogue.events.models import Event, EventDate
from museion.catalogue.models import Location
from museion.catalogue.museums.models import Museum
from museion.catalogue.tickets.models import Ticket
from museion.orders.models import (
    Barcode,
    IdempotencyKey,
    Mail,
    Order,
    OrderItem,
    OrderStatus,
    PaymentStatus,
)

ORDER_LOADS: tuple[LoaderOption, ...] = (
    selectinload(Order.items).selectinload(OrderItem.barcodes),
    selectinload(Order.items)
    .joinedload(OrderItem.ticket)
    .selectinload(Ticket.museums)
    .joinedload(Museum.location)
    .joinedload(Location.country),
    selectinload(Order.items)
    .joinedload(OrderItem.event_date)
    .joinedload(EventDate.location)
    .joinedload(Location.country),
    selectinload(Order.items)
    .joinedload(OrderItem.event_date)
    .joinedload(EventDate.event)
    .joinedload(Event.location)
    .joinedload(Location.country),
    selectinload(Order.items)
    .joinedload(OrderItem.event_date)
    .joinedload(EventDate.event)
    .joinedload(Event.museum)
    .joinedload(Museum.location)
    .joinedload(Location.country),
)
# Only the columns an order item shows of its ticket, date, event and museum (their catalogue
# rows are wide, and every column costs on each order); reading another one raises.
_TICKET_SHOWS = load_only(Ticket.ticket_type, Ticket.after_sale_information, raiseload=True)
_MUSEUM_SHOWS = load_only(Museum.id, raiseload=True)
_EVENT_SHOWS = load_only(Event.museum_id, Event.location_id, raiseload=True)
# What an item shows besides its own columns, as ORDER_LOADS loads it (but no barcodes).
ITEM_SHOWS: tuple[LoaderOption, ...] = (
    joinedload(OrderItem.ticket)
    .options(_TICKET_SHOWS)
    .selectinload(Ticket.museums)
    .options(_MUSEUM_SHOWS)
    .joinedload(Museum.location)
    .joinedload(Location.country),
    joinedload(OrderItem.event_date).joinedload(EventDate.location).joinedload(Location.country),
    joinedload(OrderItem.event_date)
    .joinedload(EventDate.event)
    .options(_EVENT_SHOWS)
    .joinedload(Event.location)
    .joinedload(Location.country),
    joinedload(OrderItem.event_date)
    .joinedload(EventDate.event)
    .joinedload(Event.museum)
    .options(_MUSEUM_SHOWS)
    .joinedload(Museum.location)
    .joinedload(Location.country),
)
# What an order needs of an event: its rules, title and where it takes place.
_EVENT_SELLS = load_only(
    Event.museum_id,
    Event.location_id,
    Event.title,
    Event.min_persons,
    Event.max_persons,
    Event.bookable_public,
    Event.bookable_reseller,
    Event.bookable_cashpoint,
    raiseload=True,
)


@dataclass(frozen=True)
class OrderScope:
    """Which orders a caller may see: None means no limit on that axis."""

    api_token_id: int | None = None
    museum_ids: Sequence[int] | None = None


def _scope_conditions(scope: OrderScope) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if scope.api_token_id is not None:
        conditions.append(Order.api_token_id == scope.api_token_id)
    if scope.museum_ids is not None:
        # Museum-limited tokens see an order only if none of its items is another museum's.
        foreign = exists().where(
            OrderItem.order_id == Order.id,
            OrderItem.museum_id.is_not(None),
            OrderItem.museum_id.not_in(scope.museum_ids),
        )
        conditions.append(not_(foreign))
    return conditions


def _ref_conditions(order_id: int | None, token: str | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if order_id is not None:
        conditions.append(Order.id == order_id)
    if token is not None:
        conditions.append(Order.token == token)
    return conditions


def get_order(
    session: Session, scope: OrderScope, *, order_id: int | None = None, token: str | None = None
) -> Order | None:
    statement = (
        select(Order)
        .where(*_scope_conditions(scope), *_ref_conditions(order_id, token))
        .options(*ORDER_LOADS)
        # Status transitions are UPDATE statements: read what the database says now.
        .execution_options(populate_existing=True)
    )
    return session.scalars(statement).first()


def items_to_show(session: Session, order_id: int) -> list[OrderItem]:
    """An order's items with what they show, but without barcodes."""
    statement = (
        select(OrderItem)
        .where(OrderItem.order_id == order_id)
        .order_by(OrderItem.id)
        .options(*ITEM_SHOWS)
    )
    return list(session.scalars(statement))


def list_orders(
    session: Session,
    scope: OrderScope,
    *,
    start: datetime,
    end: datetime,
    offset: int,
    limit: int,
) -> tuple[int, list[Order]]:
    conditions = [
        Order.created_at >= start,
        Order.created_at < end,
        *_scope_conditions(scope),
    ]
    total = session.scalar(select(func.count()).select_from(Order).where(*conditions))
    if not total:
        return 0, []
    found = session.scalars(
        select(Order)
        .where(*conditions)
        .order_by(Order.created_at, Order.id)
        .offset(offset)
        .limit(limit)
        .options(*ORDER_LOADS)
    )
    return int(total), list(found)


def order_id_of_barcode(session: Session, code: str) -> int | None:
    return session.scalar(
        select(OrderItem.order_id)
        .join(Barcode, Barcode.order_item_id == OrderItem.id)
        .where(Barcode.code == code)
    )


def dates_for_order(
    session: Session, date_ids: Collection[int], museum_ids: Sequence[int] | None
) -> dict[int, EventDate]:
    """Dates by id with their event, its scale prices and every location an order item shows;
    outside `museum_ids` they are absent."""
    if not date_ids:
        return {}
    statement = (
        select(EventDate)
        .join(Event, Event.id == EventDate.event_id)
        .where(EventDate.id.in_(date_ids))
        .options(
            joinedload(EventDate.event).options(_EVENT_SELLS).selectinload(Event.scale_prices),
            # Everything an order item shows of its date: no reload after the order is placed.
            joinedload(EventDate.location).joinedload(Location.country),
            joinedload(EventDate.event).joinedload(Event.location).joinedload(Location.country),
            joinedload(EventDate.event)
            .joinedload(Event.museum)
            .options(_MUSEUM_SHOWS)
            .joinedload(Museum.location)
            .joinedload(Location.country),
        )
    )
    if museum_ids is not None:
        statement = statement.where(Event.museum_id.in_(museum_ids))
    return {d.id: d for d in session.scalars(statement)}


def finalize_order(
    session: Session,
    scope: OrderScope,
    now: datetime,
    payments: Mapping[str, PaymentStatus],
    *,
    order_id: int | None = None,
    token: str | None = None,
) -> Order | None:
    """pending -> finalized while the deadline is ahead, with the payment status `payments`
    gives its source (else pending): the order as written, or None when no order in scope was
    pending (unknown, not visible, finalized, cancelled or expired)."""
    # Conditional: of two concurrent finalizes only one mints barcodes, and an order past its
    # deadline (whose capacity may already be someone else's) never becomes binding.
    statement = (
        update(Order)
        .where(
            *_scope_conditions(scope),
            *_ref_conditions(order_id, token),
            Order.status == OrderStatus.PENDING.value,
            Order.expires_at > now,
        )
        .values(
            status=OrderStatus.FINALIZED.value,
            finalized_at=now,
            expires_at=None,
            payment_status=case(
                {source: status.value for source, status in payments.items()},
                value=Order.source,
                else_=PaymentStatus.PENDING.value,
            ),
        )
        .returning(Order)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    return session.scalars(statement).one_or_none()


def cancel_order(session: Session, order_id: int, now: datetime) -> int:
    """pending or finalized -> cancelled; the row count says whether it happened."""
    # Conditional: two concurrent cancellations give capacity back once.
    result = session.execute(
        update(Order)
        .where(Order.id == order_id, Order.status != OrderStatus.CANCELLED.value)
        .values(status=OrderStatus.CANCELLED.value, cancelled_at=now, expires_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def cancel_items(session: Session, item_ids: Collection[int], now: datetime) -> list[int]:
    """Mark items cancelled; returns the ids that were not cancelled before."""
    # Conditional (and per row): an item cancelled twice at once returns its capacity once.
    result = session.execute(
        update(OrderItem)
        .where(OrderItem.id.in_(item_ids), OrderItem.cancelled_at.is_(None))
        .values(cancelled_at=now)
        .returning(OrderItem.id)
        .execution_options(synchronize_session=False)
    )
    return [row[0] for row in result]


def invalidate_barcodes(session: Session, item_ids: Collection[int], now: datetime) -> None:
    if item_ids:
        session.execute(
            update(Barcode)
            .where(and_(Barcode.order_item_id.in_(item_ids), Barcode.invalidated_at.is_(None)))
            .values(invalidated_at=now)
            .execution_options(synchronize_session=False)
        )


def try_lock_key(session: Session, key_hash: str) -> bool:
    """Take the key's lock for this transaction without waiting; False: another request has it."""
    if session.get_bind().dialect.name != "postgresql":
        # SQLite: this write transaction began with BEGIN IMMEDIATE, so no other writer runs.
        return True
    # A transaction-scoped advisory lock: the only way to tell "a request with this key is
    # running right now" without waiting for it (an INSERT of the key would block instead).
    # It ends with the transaction, exactly when the stored answer becomes visible.
    lock_id = int(key_hash[:16], 16) - (1 << 63)  # a signed 64-bit lock id
    return bool(session.scalar(select(func.pg_try_advisory_xact_lock(lock_id))))


@dataclass(frozen=True)
class StoredAnswer:
    request_hash: str
    status_code: int
    body: bytes
    created_at: datetime


def get_stored_answer(session: Session, key_hash: str) -> StoredAnswer | None:
    # Plain columns, not an entity: an expired key's row is deleted and stored anew with the
    # same primary key in one transaction, which the identity map would refuse.
    row = session.execute(
        select(
            IdempotencyKey.request_hash,
            IdempotencyKey.status_code,
            IdempotencyKey.response_body,
            IdempotencyKey.created_at,
        ).where(IdempotencyKey.key_hash == key_hash)
    ).first()
    return None if row is None else StoredAnswer(*row)


def delete_idempotency_key(session: Session, key_hash: str) -> None:
    session.execute(
        delete(IdempotencyKey)
        .where(IdempotencyKey.key_hash == key_hash)
        .execution_options(synchronize_session=False)
    )


def delete_idempotency_keys_before(session: Session, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` keys stored at or before `cutoff`, oldest first; returns how many."""
    # SKIP LOCKED (PostgreSQL; SQLite has one writer anyway): requests tidying up at the same
    # time take different rows instead of queueing behind each other's uncommitted deletes.
    old = (
        select(IdempotencyKey.key_hash)
        .where(IdempotencyKey.created_at <= cutoff)
        .order_by(IdempotencyKey.created_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    result = session.execute(
        delete(IdempotencyKey)
        .where(IdempotencyKey.key_hash.in_(old))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class DueMail:
    id: int
    order_id: int
    recipient: str
    subject: str
    body: str


def lease_due_mails(
    session: Session, now: datetime, *, lease_until: datetime, limit: int
) -> list[DueMail]:
    """Unsent mails that are due, leased to the caller until `lease_until`."""
    due = (
        select(Mail.id)
        .where(Mail.sent_at.is_(None), Mail.next_attempt_at <= now)
        .order_by(Mail.id)
        .limit(limit)
    )
    # Conditional on still being due: of two senders each mail goes to one only.
    result = session.execute(
        update(Mail)
        .where(
            Mail.id.in_(due.scalar_subquery()), Mail.sent_at.is_(None), Mail.next_attempt_at <= now
        )
        .values(next_attempt_at=lease_until, attempts=Mail.attempts + 1)
        .returning(Mail.id, Mail.order_id, Mail.recipient, Mail.subject, Mail.body)
        .execution_options(synchronize_session=False)
    )
    return [DueMail(*row) for row in result]


def mail_sent(session: Session, mail_id: int, at: datetime) -> None:
    session.execute(
        update(Mail)
        .where(Mail.id == mail_id)
        .values(sent_at=at, last_error=None)
        .execution_options(synchronize_session=False)
    )


def mail_failed(session: Session, mail_id: int, error: str, retry_at: datetime) -> None:
    session.execute(
        update(Mail)
        .where(Mail.id == mail_id, Mail.sent_at.is_(None))
        .values(last_error=error, next_attempt_at=retry_at)
        .execution_options(synchronize_session=False)
    )
