"""Order statements: loading orders with what their items show, lists, status transitions."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CursorResult,
    Integer,
    Row,
    String,
    Table,
    and_,
    bindparam,
    case,
    exists,
    func,
    insert,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from museion.catalogue.events.models import Event, EventDate, ScalePrice
from museion.catalogue.lookups.models import Country
from museion.catalogue.models import Location
from museion.catalogue.museums.models import Museum
from museion.catalogue.tickets.models import Ticket, TicketMuseum
from museion.orders.models import (
    Barcode,
    DocumentCounter,
    DocumentKind,
    Invoice,
    Order,
    OrderItem,
    OrderStatus,
    PaymentStatus,
    SaleDate,
    SalePrice,
    ShownBarcode,
    ShownItem,
    ShownLocation,
    ShownOrder,
)


@dataclass(frozen=True)
class OrderScope:
    """Which orders a caller may see: None means no limit on that axis. orders.service.scope_for
    decides it for a caller (the README's table of who sees which orders)."""

    # Only orders placed with this token.
    api_token_id: int | None = None
    # Only orders whose every item lies wholly in these museums.
    museum_ids: Sequence[int] | None = None


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def _run(session: Session, statement: Any, parameters: Any) -> CursorResult[Any]:
    """A statement on plain tables, run on the session's connection (its transaction): the
    session's own execute adds nothing for it but its cost (about a third of the statement's
    CPU when the statement itself is small)."""
    return session.connection().execute(statement, parameters)


# Plain tables: statements on them skip the ORM (no entities, no unit of work), which is most
# of the cost of a statement on the order paths.
_order = _table(Order)
_item = _table(OrderItem)
_barcode = _table(Barcode)
_invoice = _table(Invoice)


def _scope_conditions(*, own: bool, museums: bool) -> list[ColumnElement[bool]]:
    """Which orders a caller may see, with bound parameters (see _scope_parameters)."""
    conditions: list[ColumnElement[bool]] = []
    if own:
        conditions.append(_order.c.api_token_id == bindparam("scope_token_id"))
    if museums:
        conditions.append(not_(_outside_museums(bindparam("scope_museum_ids", expanding=True))))
    return conditions


def _outside_museums(museum_ids: BindParameter[Any]) -> ColumnElement[bool]:
    """Some item of the order is (also) another museum's: museum-limited tokens never see it.
    An item belongs to its own museum (an event's; none: no museum at all) and, for tickets, to
    every museum of its ticket and of the ticket's sub tickets (a combined ticket of two houses
    is both houses'; the item's own column names only the first)."""
    ticket = _table(Ticket)
    ticket_museum = _table(TicketMuseum)
    tickets_of_item = select(ticket.c.id).where(
        or_(ticket.c.id == _item.c.ticket_id, ticket.c.parent_id == _item.c.ticket_id)
    )
    ticket_elsewhere = exists().where(
        ticket_museum.c.ticket_id.in_(tickets_of_item),
        ticket_museum.c.museum_id.not_in(museum_ids),
    )
    return exists().where(
        _item.c.order_id == _order.c.id,
        or_(_item.c.museum_id.is_(None), _item.c.museum_id.not_in(museum_ids), ticket_elsewhere),
    )


def _ref_condition(*, by_id: bool) -> ColumnElement[bool]:
    """The order a request names: its id or its token (bound parameters)."""
    if by_id:
        return _order.c.id == bindparam("ref_id")
    return _order.c.token == bindparam("ref_token")


def _scope_parameters(
    scope: OrderScope, order_id: int | None = None, token: str | None = None
) -> tuple[tuple[bool, bool, bool], dict[str, Any]]:
    """(own, museums, by id) for _scope_conditions and _ref_condition, and their parameters."""
    shape = (scope.api_token_id is not None, scope.museum_ids is not None, order_id is not None)
    parameters: dict[str, Any] = {"ref_id": order_id, "ref_token": token}
    if scope.api_token_id is not None:
        parameters["scope_token_id"] = scope.api_token_id
    if scope.museum_ids is not None:
        parameters["scope_museum_ids"] = list(scope.museum_ids)
    return shape, parameters


def order_guard(session: Session, order_id: int) -> tuple[str, str] | None:
    """The token and status of an order: one indexed row, enough to refuse a document."""
    row = session.execute(
        select(_order.c.token, _order.c.status).where(_order.c.id == order_id)
    ).first()
    return None if row is None else (row.token, row.status)


def order_visible(session: Session, scope: OrderScope, order_id: int) -> bool:
    """Whether the order is in scope (without reading it)."""
    (own, museums, _), parameters = _scope_parameters(scope, order_id)
    statement = select(_order.c.id).where(
        *_scope_conditions(own=own, museums=museums), _ref_condition(by_id=True)
    )
    return session.execute(statement, parameters).first() is not None


# --- What an order shows: plain rows --------------------------------------------------------------

_ORDER_SHOWS = (
    _order.c.id,
    _order.c.token,
    _order.c.status,
    _order.c.source,
    _order.c.comment,
    _order.c.reference,
    _order.c.customer,
    _order.c.total_price_cents,
    _order.c.payment_status,
    _order.c.created_at,
    _order.c.expires_at,
)


# Reads add what the order's document links need: its invoice number and credit note count.
_ORDER_DOCUMENTS = (
    select(_invoice.c.number)
    .where(
        _invoice.c.order_id == _order.c.id,
        _invoice.c.kind == DocumentKind.INVOICE.value,
        _invoice.c.position == 1,
    )
    .scalar_subquery()
    .label("invoice_number"),
    select(func.count())
    .select_from(_invoice)
    .where(_invoice.c.order_id == _order.c.id, _invoice.c.kind == DocumentKind.CREDIT_NOTE.value)
    .scalar_subquery()
    .label("credit_notes"),
)


def _shown_order(row: Row[Any]) -> ShownOrder:
    documents = row._mapping
    return ShownOrder(
        id=row.id,
        token=row.token,
        status=row.status,
        source=row.source,
        comment=row.comment,
        reference=row.reference,
        customer=row.customer,
        total_price_cents=row.total_price_cents,
        payment_status=row.payment_status,
        created_at=row.created_at,
        expires_at=row.expires_at,
        invoice_number=documents.get("invoice_number"),
        credit_notes=documents.get("credit_notes") or 0,
    )


def _shown_location_columns(location: Table, country: Table) -> tuple[Any, ...]:
    """The columns _shown_location reads (of a location joined with its country)."""
    return (
        location.c.id.label("location_id"),
        location.c.name,
        location.c.street,
        location.c.zip,
        location.c.city,
        location.c.latitude,
        location.c.longitude,
        country.c.name.label("country_name"),
    )


def _shown_location(row: Row[Any]) -> ShownLocation | None:
    if row.location_id is None:
        return None
    return ShownLocation(
        row.name, row.street, row.zip, row.city, row.latitude, row.longitude, row.country_name
    )


def _items_statement() -> Any:
    """Items of some orders with what they show of their ticket and where they take place."""
    ticket = _table(Ticket)
    event_date = _table(EventDate)
    event = _table(Event)
    museum = _table(Museum)
    location = _table(Location)
    country = _table(Country)
    ticket_museum = _table(TicketMuseum)
    first_museum = aliased(museum)
    # A ticket takes place at its first museum (by id), as Ticket.museums orders them.
    ticket_location = (
        select(first_museum.c.location_id)
        .join(ticket_museum, ticket_museum.c.museum_id == first_museum.c.id)
        .where(ticket_museum.c.ticket_id == _item.c.ticket_id)
        .order_by(first_museum.c.id)
        .limit(1)
        .scalar_subquery()
    )
    # A date: its own venue, else the event's, else the museum's (EventDate.effective_location).
    date_location = func.coalesce(
        event_date.c.location_id, event.c.location_id, museum.c.location_id
    )
    location_id = case((_item.c.type == "Ticket", ticket_location), else_=date_location)
    return (
        select(
            _item.c.id,
            _item.c.type,
            _item.c.title,
            _item.c.quantity,
            _item.c.start_at,
            _item.c.price_cents,
            _item.c.vat_pct,
            _item.c.tax_included,
            _item.c.ticket_id,
            _item.c.ticket_sale_id,
            _item.c.event_id,
            _item.c.date_id,
            _item.c.event_booking_id,
            _item.c.quantities,
            _item.c.sub_ticket_times,
            _item.c.cancelled_at,
            ticket.c.ticket_type,
            ticket.c.after_sale_information,
            *_shown_location_columns(location, country),
            _item.c.order_id,
        )
        .select_from(
            _item.outerjoin(ticket, ticket.c.id == _item.c.ticket_id)
            .outerjoin(event_date, event_date.c.id == _item.c.date_id)
            .outerjoin(event, event.c.id == event_date.c.event_id)
            .outerjoin(museum, museum.c.id == event.c.museum_id)
            .outerjoin(location, location.c.id == location_id)
            .outerjoin(country, country.c.id == location.c.country_id)
        )
        .where(_item.c.order_id.in_(bindparam("order_ids", expanding=True)))
        .order_by(_item.c.order_id, _item.c.id)
    )


# Built once: executing the same statement object reuses its cache key and compiled form.
_ITEMS_SHOWN = _items_statement()
_BARCODES_SHOWN = (
    select(_barcode.c.id, _barcode.c.code, _barcode.c.invalidated_at, _barcode.c.order_item_id)
    .where(_barcode.c.order_item_id.in_(bindparam("item_ids", expanding=True)))
    .order_by(_barcode.c.id)
)


def _shown_item(row: Row[Any]) -> ShownItem:
    return ShownItem(
        id=row.id,
        type=row.type,
        title=row.title,
        quantity=row.quantity,
        start_at=row.start_at,
        price_cents=row.price_cents,
        vat_pct=row.vat_pct,
        tax_included=row.tax_included,
        ticket_id=row.ticket_id,
        ticket_sale_id=row.ticket_sale_id,
        event_id=row.event_id,
        date_id=row.date_id,
        event_booking_id=row.event_booking_id,
        quantities=row.quantities,
        sub_ticket_times=row.sub_ticket_times,
        cancelled_at=row.cancelled_at,
        ticket_type=row.ticket_type,
        after_sale_information=row.after_sale_information,
        location=_shown_location(row),
    )


def fill_items(session: Session, orders: Sequence[ShownOrder], *, barcodes: bool = True) -> None:
    """Read the items (and, unless told otherwise, their barcodes) of these orders into them."""
    if not orders:
        return
    by_id = {order.id: order for order in orders}
    items: dict[int, ShownItem] = {}
    for row in _run(session, _ITEMS_SHOWN, {"order_ids": list(by_id)}):
        item = _shown_item(row)
        by_id[row.order_id].items.append(item)
        items[item.id] = item
    if barcodes and items:
        for row in _run(session, _BARCODES_SHOWN, {"item_ids": list(items)}):
            items[row.order_item_id].barcodes.append(
                ShownBarcode(row.id, row.code, row.invalidated_at)
            )


def get_order(
    session: Session, scope: OrderScope, *, order_id: int | None = None, token: str | None = None
) -> ShownOrder | None:
    """The order named by id or token, if it is in scope (exactly one of the two is given)."""
    (own, museums, by_id), parameters = _scope_parameters(scope, order_id, token)
    statement = select(*_ORDER_SHOWS, *_ORDER_DOCUMENTS).where(
        *_scope_conditions(own=own, museums=museums), _ref_condition(by_id=by_id)
    )
    row = session.execute(statement, parameters).first()
    if row is None:
        return None
    order = _shown_order(row)
    fill_items(session, [order])
    return order


def list_orders(
    session: Session,
    scope: OrderScope,
    *,
    start: datetime,
    end: datetime,
    offset: int,
    limit: int,
) -> tuple[int, list[ShownOrder]]:
    (own, museums, _), parameters = _scope_parameters(scope)
    conditions = [
        _order.c.created_at >= start,
        _order.c.created_at < end,
        *_scope_conditions(own=own, museums=museums),
    ]
    total = session.scalar(select(func.count()).select_from(_order).where(*conditions), parameters)
    if not total:
        return 0, []
    rows = session.execute(
        select(*_ORDER_SHOWS, *_ORDER_DOCUMENTS)
        .where(*conditions)
        .order_by(_order.c.created_at, _order.c.id)
        .offset(offset)
        .limit(limit),
        parameters,
    )
    found = [_shown_order(row) for row in rows]
    fill_items(session, found)
    return int(total), found


_ORDER_OF_BARCODE = (
    select(_item.c.order_id)
    .join(_barcode, _barcode.c.order_item_id == _item.c.id)
    .where(_barcode.c.code == bindparam("code"))
)


def order_id_of_barcode(session: Session, code: str) -> int | None:
    return session.scalar(_ORDER_OF_BARCODE, {"code": code})


def _dates_statement(*, museums: bool) -> Any:
    event_date = _table(EventDate)
    event = _table(Event)
    museum = _table(Museum)
    location = _table(Location)
    country = _table(Country)
    scale_price = _table(ScalePrice)
    # EventDate.effective_location: its own venue, else the event's, else the museum's.
    location_id = func.coalesce(event_date.c.location_id, event.c.location_id, museum.c.location_id)
    statement = (
        select(
            event_date.c.id,
            event_date.c.event_id,
            event.c.museum_id,
            event.c.title,
            event_date.c.status,
            event_date.c.start_at,
            event_date.c.seating_id,
            event_date.c.max_per_registration,
            event_date.c.price_cents,
            event_date.c.price_group,
            event_date.c.vat_pct,
            event_date.c.discount,
            event_date.c.tax_included,
            event.c.min_persons,
            event.c.max_persons,
            event.c.bookable_public,
            event.c.bookable_reseller,
            event.c.bookable_cashpoint,
            *_shown_location_columns(location, country),
            # One row per scale price of the event (or one with nulls).
            scale_price.c.id.label("price_id"),
            scale_price.c.price_cents.label("scale_cents"),
            scale_price.c.vat_pct.label("scale_vat_pct"),
            scale_price.c.group,
            scale_price.c.seat_category_id,
        )
        .select_from(
            event_date.join(event, event.c.id == event_date.c.event_id)
            .join(museum, museum.c.id == event.c.museum_id)
            .outerjoin(location, location.c.id == location_id)
            .outerjoin(country, country.c.id == location.c.country_id)
            .outerjoin(scale_price, scale_price.c.event_id == event.c.id)
        )
        .where(event_date.c.id.in_(bindparam("date_ids", expanding=True)))
        .order_by(event_date.c.id, scale_price.c.position, scale_price.c.id)
    )
    if museums:
        statement = statement.where(event.c.museum_id.in_(bindparam("museum_ids", expanding=True)))
    return statement


_DATES_FOR_SALE = _dates_statement(museums=False)
_DATES_FOR_SALE_IN_MUSEUMS = _dates_statement(museums=True)


def dates_for_order(
    session: Session, date_ids: Collection[int], museum_ids: Sequence[int] | None
) -> dict[int, SaleDate]:
    """Dates by id with what booking them needs and shows; outside `museum_ids` they are
    absent. One statement, plain rows."""
    if not date_ids:
        return {}
    if museum_ids is None:
        rows = _run(session, _DATES_FOR_SALE, {"date_ids": list(date_ids)})
    else:
        parameters = {"date_ids": list(date_ids), "museum_ids": list(museum_ids)}
        rows = _run(session, _DATES_FOR_SALE_IN_MUSEUMS, parameters)
    found: dict[int, SaleDate] = {}
    prices: dict[int, list[SalePrice]] = {}
    for row in rows:
        if row.id not in found:
            found[row.id] = _sale_date(row)
            prices[row.id] = []
        if row.price_id is not None:
            prices[row.id].append(
                SalePrice(
                    row.price_id,
                    row.scale_cents,
                    row.scale_vat_pct,
                    row.group,
                    row.seat_category_id,
                )
            )
    return {
        date_id: replace(sale_date, scale_prices=tuple(prices[date_id]))
        for date_id, sale_date in found.items()
    }


def _sale_date(row: Row[Any]) -> SaleDate:
    return SaleDate(
        id=row.id,
        event_id=row.event_id,
        museum_id=row.museum_id,
        title=row.title,
        status=row.status,
        start_at=row.start_at,
        seating_id=row.seating_id,
        max_per_registration=row.max_per_registration,
        price_cents=row.price_cents,
        price_group=row.price_group,
        vat_pct=row.vat_pct,
        discount=row.discount,
        tax_included=row.tax_included,
        min_persons=row.min_persons,
        max_persons=row.max_persons,
        bookable_public=row.bookable_public,
        bookable_reseller=row.bookable_reseller,
        bookable_cashpoint=row.bookable_cashpoint,
        location=_shown_location(row),
        scale_prices=(),
    )


def finalize_order(
    session: Session,
    scope: OrderScope,
    now: datetime,
    payments: Mapping[str, PaymentStatus],
    *,
    order_id: int | None = None,
    token: str | None = None,
) -> ShownOrder | None:
    """pending -> finalized while the deadline is ahead, with the payment status `payments`
    gives its source (else pending): the order as written (no items read yet), or None when
    no order in scope was pending (unknown, not visible, finalized, cancelled or expired)."""
    # Conditional: of two concurrent finalizes only one mints barcodes, and an order past its
    # deadline (whose capacity may already be someone else's) never becomes binding.
    (own, museums, by_id), parameters = _scope_parameters(scope, order_id, token)
    shape = tuple(sorted((source, status.value) for source, status in payments.items()))
    statement = _finalize_statement(own, museums, by_id, shape)
    row = _run(session, statement, parameters | {"now": now}).first()
    return None if row is None else _shown_order(row)


@lru_cache(maxsize=64)
def _finalize_statement(
    own: bool, museums: bool, by_id: bool, payments: tuple[tuple[str, int], ...]
) -> Any:
    """Built once per scope shape (docs/benchmarks.md: building it cost finalize 0.7 ms)."""
    return (
        update(_order)
        .where(
            *_scope_conditions(own=own, museums=museums),
            _ref_condition(by_id=by_id),
            _order.c.status == OrderStatus.PENDING.value,
            _order.c.expires_at > bindparam("now"),
        )
        .values(
            status=OrderStatus.FINALIZED.value,
            finalized_at=bindparam("now"),
            expires_at=None,
            payment_status=case(
                dict(payments), value=_order.c.source, else_=PaymentStatus.PENDING.value
            ),
        )
        .returning(*_ORDER_SHOWS)
    )


_INSERT_ORDER = insert(_order).returning(_order.c.id)
_INSERT_ITEMS = insert(_item).returning(_item.c.id, sort_by_parameter_order=True)
# No sort_by_parameter_order: SQLite then took one INSERT per barcode; unordered, an order's
# barcodes go in one statement on both databases, and each new id is found by its (unique) code.
_INSERT_BARCODES = insert(_barcode).returning(_barcode.c.id, _barcode.c.code)


# What place_order writes of a new order and of each of its items (but the item's order id).
_ORDER_COLUMNS = (
    "token",
    "status",
    "source",
    "api_token_id",
    "comment",
    "reference",
    "customer",
    "total_price_cents",
    "payment_status",
    "created_at",
    "expires_at",
)
_ITEM_COLUMNS = (
    "type",
    "museum_id",
    "title",
    "quantity",
    "start_at",
    "price_cents",
    "vat_pct",
    "tax_included",
    "ticket_id",
    "ticket_sale_id",
    "event_id",
    "date_id",
    "event_booking_id",
    "quantities",
    "attendees",
    "sub_ticket_times",
)


def _order_with_item() -> Any:
    """PostgreSQL: a new order and its one item in one statement (a data-modifying WITH), one
    round trip less per order; its row is (order id, item id)."""
    new_order = (
        postgresql.insert(_order)
        .values({name: bindparam(name, type_=_order.c[name].type) for name in _ORDER_COLUMNS})
        .returning(_order.c.id)
        .cte("new_order")
    )
    item_values = [bindparam(name, type_=_item.c[name].type) for name in _ITEM_COLUMNS]
    return (
        postgresql.insert(_item)
        .from_select(["order_id", *_ITEM_COLUMNS], select(new_order.c.id, *item_values))
        .returning(_item.c.order_id, _item.c.id)
    )


_ORDER_WITH_ITEM = _order_with_item()


def insert_order(
    session: Session, values: Mapping[str, Any], items: Sequence[Mapping[str, Any]]
) -> tuple[int, list[int]]:
    """Store a new order (_ORDER_COLUMNS) and its items (_ITEM_COLUMNS): the order's id and the
    items' ids, in the order of `items`."""
    if len(items) == 1 and session.get_bind().dialect.name == "postgresql":
        row = _run(session, _ORDER_WITH_ITEM, {**values, **items[0]}).one()
        return int(row.order_id), [int(row.id)]
    order_id = int(_run(session, _INSERT_ORDER, dict(values)).scalar_one())
    rows = [{**row, "order_id": order_id} for row in items]
    if len(rows) == 1:  # most orders: a plain INSERT, not the batched form
        return order_id, [int(_run(session, _INSERT_ITEMS, rows[0]).scalar_one())]
    return order_id, list(_run(session, _INSERT_ITEMS, rows).scalars())


def insert_barcodes(session: Session, codes: Iterable[tuple[int, str]]) -> list[int]:
    """Store (item id, code) pairs; their new ids, in the same order."""
    rows = [{"order_item_id": item_id, "code": code} for item_id, code in codes]
    if not rows:
        return []
    ids = {row.code: row.id for row in _run(session, _INSERT_BARCODES, rows)}
    return [ids[row["code"]] for row in rows]


def lock_order(session: Session, *, order_id: int | None = None, token: str | None = None) -> None:
    """Lock the order named by id or token (if it exists) until this transaction ends."""
    # FOR UPDATE: cancellations of one order run one after the other, so each reads what the
    # one before wrote (which items are left, how many credit notes there are) and numbers its
    # credit note next. A finalize takes the same row lock with its UPDATE.
    session.execute(
        select(_order.c.id).where(_ref_condition(by_id=order_id is not None)).with_for_update(),
        {"ref_id": order_id, "ref_token": token},
    )


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


def _take_number(dialect: Any) -> Any:
    """The upsert that takes a series' next number: it creates the year's counter row or
    increments it, and in both cases holds the row's lock (as SELECT ... FOR UPDATE would)
    until the transaction ends, so numbers are gap-free (a rollback gives its number back) and
    two transactions never take the same one. On SQLite the write transaction began with BEGIN
    IMMEDIATE, so no other writer runs at all."""
    counter = _table(DocumentCounter)
    return (
        dialect.insert(counter)
        .values(series=bindparam("series"), year=bindparam("year"), last=1)
        .on_conflict_do_update(
            index_elements=[counter.c.series, counter.c.year], set_={"last": counter.c.last + 1}
        )
        .returning(counter.c.last)
    )


def _issue_in_one_statement() -> Any:
    """PostgreSQL: take the number and store the document in one statement (a data-modifying
    WITH), one round trip less per finalize. The number is built as `_numbered` builds it on
    SQLite: the series prefix and the sequence, zero-padded to six digits, longer when it has
    more."""
    taken = _take_number(postgresql).cte("taken")
    sequence = cast(Any, taken.c.last)
    digits = case(
        (sequence < 1_000_000, func.lpad(sequence.cast(String), 6, "0")),
        else_=sequence.cast(String),
    )
    return (
        postgresql.insert(_invoice)
        .from_select(
            ["order_id", "kind", "position", "number", "issued_at", "content"],
            select(
                bindparam("order_id", type_=Integer),
                bindparam("kind", type_=String),
                bindparam("position", type_=Integer),
                bindparam("prefix", type_=String) + digits,
                bindparam("issued_at", type_=_invoice.c.issued_at.type),
                bindparam("content", type_=_invoice.c.content.type),
            ).select_from(taken),
        )
        .returning(_invoice.c.number)
    )


# Built once: building an upsert cost finalize 0.6 ms a time (docs/benchmarks.md).
_TAKE_NUMBER = {"postgresql": _take_number(postgresql), "sqlite": _take_number(sqlite)}
_ISSUE = _issue_in_one_statement()
_INSERT_INVOICE = insert(_invoice)


def next_number(session: Session, kind: DocumentKind, year: int) -> int:
    """The next number of a document series in a year, under the counter row's lock."""
    parameters = {"series": kind.value, "year": year}
    statement = _TAKE_NUMBER[session.get_bind().dialect.name]
    return int(_run(session, statement, parameters).scalar_one())


def issue(session: Session, values: Mapping[str, Any], kind: DocumentKind, year: int) -> str:
    """Store an invoice or credit note under the next number of its kind's series that year
    (`values["prefix"]`: what the series' numbers start with); returns the number."""
    if session.get_bind().dialect.name == "postgresql":
        parameters = {**values, "series": kind.value, "year": year}
        return str(_run(session, _ISSUE, parameters).scalar_one())
    sequence = next_number(session, kind, year)
    number = _numbered(values["prefix"], sequence)
    _run(
        session,
        _INSERT_INVOICE,
        {key: values[key] for key in ("order_id", "kind", "position", "issued_at", "content")}
        | {"number": number},
    )
    return number


def _numbered(prefix: str, sequence: int) -> str:
    return f"{prefix}{sequence:06d}"


def invoice_content(
    session: Session, order_id: int, kind: DocumentKind, position: int
) -> dict[str, Any] | None:
    """What an issued invoice or credit note prints (its position among the order's ones of
    that kind: 1, 2, ...)."""
    row = session.execute(
        select(_invoice.c.content, _invoice.c.number).where(
            _invoice.c.order_id == order_id,
            _invoice.c.kind == kind.value,
            _invoice.c.position == position,
        )
    ).first()
    return None if row is None else _with_number(row.content, row.number)


def _with_number(content: dict[str, Any], number: str) -> dict[str, Any]:
    # The number is stored beside the content (it is taken in the statement that stores both).
    return {**content, "number": number}


def invoice_contents(session: Session, order_id: int, kind: DocumentKind) -> list[dict[str, Any]]:
    """All issued documents of a kind of an order, in issue order."""
    rows = session.execute(
        select(_invoice.c.content, _invoice.c.number)
        .where(_invoice.c.order_id == order_id, _invoice.c.kind == kind.value)
        .order_by(_invoice.c.position)
    )
    return [_with_number(row.content, row.number) for row in rows]
