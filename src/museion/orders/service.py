"""Order rules: place (all items or none, server-side prices), finalize, read, cancel.

Capacity is taken only through `availability.selling` (STYLE.md 6). A pending order's
sales and bookings count until its deadline plus a grace; finalizing makes them binding,
cancelling ends them. Nothing has to run when an order is left pending: it simply stops counting.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from museion.access import Access, Permission, Principal
from museion.availability import selling
from museion.availability.counting import day_bounds
from museion.catalogue.events import service as events
from museion.catalogue.events.models import DateStatus
from museion.catalogue.models import Location
from museion.catalogue.tickets import service as tickets
from museion.catalogue.tickets.models import Attendees, Ticket
from museion.db import MAX_ID
from museion.errors import Forbidden, NotFound, Unprocessable
from museion.orders import documents, invoices, mail, queries
from museion.orders.barcodes import new_code
from museion.orders.invoices import Issuer
from museion.orders.models import (
    DocumentKind,
    ItemType,
    OrderSource,
    OrderStatus,
    PaymentStatus,
    SaleDate,
    ShownBarcode,
    ShownItem,
    ShownLocation,
    ShownOrder,
)
from museion.orders.queries import OrderScope
from museion.system.cache import seats_changed

# Named by the routes, which may not import models.
__all__ = ["ShownOrder"]

# A pending order's sales count this much longer than its finalize deadline. Finalize checks
# the deadline with its request's clock; a claim that started later must not already count the
# sales as free while that finalize is still on its way to commit (it would oversell). A
# minute is far longer than any finalize transaction may take (lock_timeout is 3 s).
FINALIZE_GRACE = timedelta(minutes=1)
MAX_ITEMS = 100

SOURCES = {
    Access.RESELLER: OrderSource.RESELLER,
    Access.CASHPOINT: OrderSource.CASHPOINT,
    Access.USER: OrderSource.API,
}

# What finalizing makes of the payment. go~mus: "All orders placed by a cash point are assumed
# to be payed in place" (page-cash_point_api.md). A reseller collects from its customers and is
# billed by the museum on account. Shop and API orders wait for a payment provider (none yet).
PAYMENT_WHEN_FINALIZED = {
    OrderSource.CASHPOINT.value: PaymentStatus.PAID,
    OrderSource.RESELLER.value: PaymentStatus.INVOICED,
}


# --- What a client asks for (parsed from either payload form by the routes)


@dataclass(frozen=True)
class Attendee:
    name: str
    surname: str


@dataclass(frozen=True)
class TicketLine:
    ticket_id: int
    quantity: int
    time: datetime
    reservations: Sequence[str] = ()
    attendees: Sequence[Attendee] | None = None
    sub_ticket_times: Mapping[str, datetime] | None = None


@dataclass(frozen=True)
class EventLine:
    date_id: int
    quantity: int | None = None
    quantities: Mapping[int, int] | None = None
    # Dates with a seat plan: (seat id, scale price id) per seat.
    seats: Sequence[tuple[int, int]] | None = None


@dataclass(frozen=True)
class OrderRequest:
    lines: Sequence[TicketLine | EventLine]
    total: int | None = None
    comment: str | None = None
    reference: str | None = None
    customer: dict[str, Any] | None = None


# --- Prices


@dataclass(frozen=True)
class Price:
    cents: int
    vat_pct: float
    tax_included: bool


def discounted(gross_cents: int, discount_pct: int) -> int:
    """go~mus `discount`: percent off the item's total, rounded to the nearest cent."""
    return gross_cents - (gross_cents * discount_pct + 50) // 100


@dataclass(frozen=True)
class _TicketItem:
    index: int
    sale: selling.Tickets
    price: Price
    attendees: list[dict[str, str]] | None


@dataclass(frozen=True)
class _EventItem:
    index: int
    event_date: SaleDate
    quantity: int
    quantities: dict[str, int] | None
    price: Price
    sale: selling.Seats


@contextmanager
def _about_item(index: int) -> Iterator[None]:
    """Refusals while handling one item name it; an unknown ticket or date is a 422 here."""
    try:
        yield
    except (Unprocessable, NotFound) as error:
        raise Unprocessable(f"items[{index}]: {error.message}") from error


def _ticket_item(
    session: Session, principal: Principal, index: int, line: TicketLine
) -> _TicketItem:
    ticket = tickets.ticket_for_sale(session, principal, line.ticket_id)
    _check_museums(principal, ticket)
    sale = selling.Tickets(
        ticket,
        line.quantity,
        line.time,
        line.reservations,
        line.sub_ticket_times,
        label=f"items[{index}]",
    )
    attendees = None
    if line.attendees is not None or ticket.attendees == Attendees.REQUIRED.value:
        given = line.attendees or []
        if len(given) != line.quantity:
            raise Unprocessable(
                f"ticket {ticket.id} needs one attendee (name, surname) per person: "
                f"{line.quantity} expected, {len(given)} given"
            )
        attendees = [{"name": a.name, "surname": a.surname} for a in given]
    gross = ticket.price_cents * line.quantity
    price = Price(discounted(gross, ticket.discount), ticket.vat_pct, ticket.tax_included)
    return _TicketItem(index, sale, price, attendees)


def _check_persons(event_date: SaleDate, quantity: int) -> None:
    lowest = max(event_date.min_persons, 1)
    highest = min(
        (n for n in (event_date.max_persons, event_date.max_per_registration) if n is not None),
        default=None,
    )
    if quantity < lowest:
        raise Unprocessable(f"date {event_date.id}: at least {lowest} persons per booking")
    if highest is not None and quantity > highest:
        raise Unprocessable(f"date {event_date.id}: at most {highest} persons per booking")


def _event_price(
    event_date: SaleDate, line: EventLine
) -> tuple[int, dict[str, int] | None, int, float]:
    """(quantity, quantities by scale price id, gross cents, VAT) of an event line."""
    scale = {p.id: p for p in event_date.scale_prices}
    if scale:
        if not line.quantities:
            raise Unprocessable(
                f"date {event_date.id} has scale prices: send quantities per scale price id"
            )
        unknown = [i for i in line.quantities if i not in scale]
        if unknown:
            raise Unprocessable(f"scale price {unknown[0]} is not a price of date {event_date.id}")
        used = {i: q for i, q in sorted(line.quantities.items()) if q > 0}
        gross = sum(scale[i].price_cents * (1 if scale[i].group else q) for i, q in used.items())
        # One VAT rate per item: the first price's (scale prices of one event share theirs).
        vat = scale[next(iter(used))].vat_pct if used else 0.0
        return sum(used.values()), {str(i): q for i, q in used.items()}, gross, vat
    if line.quantities:
        raise Unprocessable(f"date {event_date.id} has no scale prices: send quantity")
    if line.quantity is None:
        raise Unprocessable("quantity is required")
    unit = event_date.price_cents or 0
    gross = unit if event_date.price_group else unit * line.quantity
    return line.quantity, None, gross, event_date.vat_pct


def _event_item(
    principal: Principal,
    index: int,
    line: EventLine,
    found: Mapping[int, SaleDate],
    now: datetime,
    horizon: timedelta,
) -> _EventItem:
    event_date = found.get(line.date_id)
    if event_date is None:
        raise NotFound(f"date {line.date_id} not found")
    if not any(getattr(event_date, c) for c in events.channel_for(principal).columns):
        raise Unprocessable(f"date {event_date.id} is not bookable for you")
    if event_date.status != DateStatus.BOOKED.value or event_date.start_at <= now:
        raise Unprocessable(f"date {event_date.id} cannot be booked (cancelled or started)")
    if event_date.start_at > now + horizon:
        raise Unprocessable(f"date {event_date.id} lies beyond the booking horizon")
    if (event_date.seating_id is not None) != bool(line.seats):
        if line.seats:
            raise Unprocessable(f"date {event_date.id} has no seat plan: send quantity")
        raise Unprocessable(f"date {event_date.id} has a seat plan: choose seats")
    if line.seats:
        quantity, quantities, gross, vat = _seat_price(event_date, line.seats)
    else:
        quantity, quantities, gross, vat = _event_price(event_date, line)
    _check_persons(event_date, quantity)
    price = Price(discounted(gross, event_date.discount), vat, event_date.tax_included)
    seat_ids = [seat_id for seat_id, _ in line.seats or []]
    scale = {p.id: p for p in event_date.scale_prices}
    # Seats whose scale price is limited to one seat category: seat id -> that category.
    categories = {
        seat_id: category
        for seat_id, price_id in line.seats or []
        if (category := scale[price_id].seat_category_id) is not None
    }
    sale = selling.Seats(event_date, quantity, seat_ids, categories, label=f"items[{index}]")
    return _EventItem(index, event_date, quantity, quantities, price, sale)


def _seat_price(
    event_date: SaleDate, seats: Sequence[tuple[int, int]]
) -> tuple[int, dict[str, int] | None, int, float]:
    """(quantity, quantities by scale price id, gross cents, VAT): each seat at its price."""
    scale = {p.id: p for p in event_date.scale_prices}
    seat_ids = [seat_id for seat_id, _ in seats]
    if len(set(seat_ids)) != len(seat_ids):
        raise Unprocessable("a seat can only be booked once per order")
    quantities: dict[str, int] = {}
    for _, price_id in seats:
        if price_id not in scale:
            raise Unprocessable(f"scale price {price_id} is not a price of date {event_date.id}")
        quantities[str(price_id)] = quantities.get(str(price_id), 0) + 1
    gross = sum(scale[price_id].price_cents for _, price_id in seats)
    return len(seats), quantities, gross, scale[seats[0][1]].vat_pct


def _prepare(
    session: Session,
    principal: Principal,
    request: OrderRequest,
    now: datetime,
    horizon: timedelta,
) -> list[_TicketItem | _EventItem]:
    if not request.lines:
        raise Unprocessable("items: an order needs at least one item")
    if len(request.lines) > MAX_ITEMS:
        raise Unprocessable(f"items: at most {MAX_ITEMS} items per order")
    date_ids = [line.date_id for line in request.lines if isinstance(line, EventLine)]
    museum_ids = sorted(principal.museum_ids) if principal.museum_ids is not None else None
    found = queries.dates_for_order(session, date_ids, museum_ids)
    prepared: list[_TicketItem | _EventItem] = []
    for index, line in enumerate(request.lines):
        with _about_item(index):
            if isinstance(line, TicketLine):
                prepared.append(_ticket_item(session, principal, index, line))
            else:
                prepared.append(_event_item(principal, index, line, found, now, horizon))
    return prepared


def _shown_location(location: Location | None) -> ShownLocation | None:
    if location is None:
        return None
    country = location.country.name if location.country is not None else None
    return ShownLocation(
        location.name,
        location.street,
        location.zip,
        location.city,
        location.latitude,
        location.longitude,
        country,
    )


def _item_row(
    shown: ShownItem, *, museum_id: int | None, attendees: list[dict[str, str]] | None
) -> dict[str, Any]:
    """The order_item row of a new item, but its order id (what queries.insert_order writes)."""
    return {
        "type": shown.type,
        "museum_id": museum_id,
        "title": shown.title,
        "quantity": shown.quantity,
        "start_at": shown.start_at,
        "price_cents": shown.price_cents,
        "vat_pct": shown.vat_pct,
        "tax_included": shown.tax_included,
        "ticket_id": shown.ticket_id,
        "ticket_sale_id": shown.ticket_sale_id,
        "event_id": shown.event_id,
        "date_id": shown.date_id,
        "event_booking_id": shown.event_booking_id,
        "quantities": shown.quantities,
        "attendees": attendees,
        "sub_ticket_times": shown.sub_ticket_times,
    }


def _taken(item: _TicketItem | _EventItem, sold: selling.Sold) -> tuple[dict[str, Any], ShownItem]:
    """The order item's row (without its order) and what it shows (without its id)."""
    price = item.price
    if isinstance(item, _TicketItem):
        ticket = item.sale.ticket
        museums = ticket.museums
        times = {str(t): start.isoformat() for t, start in sold.sub_ticket_times.items()}
        location = _shown_location(museums[0].location if museums else None)
        shown = ShownItem(
            id=0,
            type=ItemType.TICKET.value,
            title=ticket.title,
            quantity=item.sale.quantity,
            start_at=sold.start_at,
            price_cents=price.cents,
            vat_pct=price.vat_pct,
            tax_included=price.tax_included,
            ticket_id=ticket.id,
            ticket_sale_id=sold.id,
            event_id=None,
            date_id=None,
            event_booking_id=None,
            quantities=None,
            sub_ticket_times=times or None,
            cancelled_at=None,
            ticket_type=ticket.ticket_type,
            after_sale_information=ticket.after_sale_information,
            location=location,
        )
        museum_id = museums[0].id if museums else None
        return _item_row(shown, museum_id=museum_id, attendees=item.attendees), shown
    event_date = item.event_date
    shown = ShownItem(
        id=0,
        type=ItemType.EVENT.value,
        title=event_date.title,
        quantity=item.quantity,
        start_at=event_date.start_at,
        price_cents=price.cents,
        vat_pct=price.vat_pct,
        tax_included=price.tax_included,
        ticket_id=None,
        ticket_sale_id=None,
        event_id=event_date.event_id,
        date_id=event_date.id,
        event_booking_id=sold.id,
        quantities=item.quantities,
        sub_ticket_times=None,
        cancelled_at=None,
        ticket_type=None,
        after_sale_information=None,
        location=event_date.location,
    )
    return _item_row(shown, museum_id=event_date.museum_id, attendees=None), shown


def place_order(
    session: Session,
    principal: Principal,
    request: OrderRequest,
    *,
    pending_minutes: int,
    zone: ZoneInfo,
    now: datetime,
    horizon: timedelta,
) -> ShownOrder:
    """Create a pending order: every item gets its capacity, or none does (one transaction).

    The server computes every price; a client `total` that differs refuses the order. Entry
    times and dates lie within the booking horizon.
    """
    prepared = _prepare(session, principal, request, now, horizon)
    total = sum(item.price.cents for item in prepared)
    if request.total is not None and request.total != total:
        raise Unprocessable(
            f"total does not match: the server's total is {total} cents (you sent {request.total})"
        )
    # Whole seconds on the wire, like go~mus (and like the deadline a client is shown).
    created_at = now.replace(microsecond=0)
    expires_at = created_at + timedelta(minutes=pending_minutes)
    live_until = expires_at + FINALIZE_GRACE
    lines = [item.sale for item in prepared]
    sold = selling.sell(
        session, principal, lines, live_until=live_until, now=now, zone=zone, horizon=horizon
    )
    taken = [_taken(item, s) for item, s in zip(prepared, sold, strict=True)]
    dated = [item for item in prepared if isinstance(item, _EventItem)]
    order = ShownOrder(
        id=0,
        token=new_token(),
        status=OrderStatus.PENDING.value,
        source=SOURCES.get(principal.access, OrderSource.API).value,
        comment=request.comment,
        reference=request.reference,
        customer=request.customer,
        total_price_cents=total,
        payment_status=PaymentStatus.PENDING.value,
        created_at=created_at,
        expires_at=expires_at,
        items=[shown for _, shown in taken],
    )
    order.id, item_ids = queries.insert_order(
        session,
        {
            "token": order.token,
            "status": order.status,
            "source": order.source,
            "api_token_id": principal.token_id,
            "comment": order.comment,
            "reference": order.reference,
            "customer": order.customer,
            "total_price_cents": total,
            "payment_status": order.payment_status,
            "created_at": created_at,
            "expires_at": expires_at,
        },
        [row for row, _ in taken],
    )
    for item, item_id in zip(order.items, item_ids, strict=True):
        item.id = item_id
    if dated:
        # Seats of these events' dates changed: their cached pages end on commit.
        seats_changed(session, {item.event_date.event_id for item in dated})
    # The answer is what was just written: no second round of queries to read it back.
    return order


def new_token() -> str:
    """Unguessable (128 random bits): it names the order in URLs and guards its documents."""
    return secrets.token_urlsafe(16)


# --- Reading


def sees_every_order(principal: Principal) -> bool:
    """User tokens with the `orders` permission (without it the order endpoints answer 403) and
    cash points with global order access see every seller's orders; everyone else their own."""
    if principal.access is Access.CASHPOINT:
        return principal.has(Permission.ALL_ORDERS)
    return principal.access is Access.USER and principal.has(Permission.ORDERS)


def scope_for(
    principal: Principal, *, only_mine: bool = False, documents: bool = False
) -> OrderScope:
    """Which orders a caller may read, finalize, cancel or find by barcode (README: who sees
    which orders). Museum-limited tokens never get an order with any item outside their museums.
    `documents`: the order token guards them, so only the museum limit of a bearer applies."""
    museums = sorted(principal.museum_ids) if principal.museum_ids is not None else None
    if documents:
        return OrderScope(museum_ids=museums)
    if only_mine or not sees_every_order(principal):
        if principal.token_id is None:
            raise Forbidden("orders need a token")  # a caller without one owns no orders
        return OrderScope(api_token_id=principal.token_id, museum_ids=museums)
    return OrderScope(museum_ids=museums)


def _check_museums(principal: Principal, ticket: Ticket) -> None:
    """The sale side of scope_for: a museum-limited token sells no ticket that is (also) another
    museum's (a combined ticket of two houses), as it could not read the order afterwards."""
    if principal.museum_ids is None:
        return
    museum_ids = {m.id for t in (ticket, *ticket.sub_tickets) for m in t.museums}
    if not museum_ids or not museum_ids <= principal.museum_ids:
        raise Unprocessable(f"ticket {ticket.id} is also valid outside this token's museums")


def _reload(session: Session, order_id: int) -> ShownOrder:
    found = queries.get_order(session, OrderScope(), order_id=order_id)
    assert found is not None  # it was just written in this transaction
    return found


@dataclass(frozen=True)
class _Ref:
    """`ref` is the numeric id or the order token (go~mus accepts both)."""

    order_id: int | None = None
    token: str | None = None

    @classmethod
    def of(cls, ref: str) -> _Ref:
        # Digits past the id column's range name no order (and must not reach PostgreSQL's int4).
        if ref.isdigit() and len(ref) <= len(str(MAX_ID)) and int(ref) <= MAX_ID:
            return cls(order_id=int(ref))
        return cls(token=ref)


def get_order(session: Session, principal: Principal, ref: str) -> ShownOrder:
    """`ref` is the numeric id or the order token (go~mus accepts both)."""
    named = _Ref.of(ref)
    found = queries.get_order(
        session, scope_for(principal), order_id=named.order_id, token=named.token
    )
    if found is None:
        raise NotFound("order not found")
    return found


def list_orders(
    session: Session,
    principal: Principal,
    *,
    first: date,
    last: date,
    only_mine: bool,
    zone: ZoneInfo,
    offset: int,
    limit: int,
) -> tuple[int, list[ShownOrder]]:
    """Orders created on the local days first..last that the caller may see."""
    if last < first:
        raise Unprocessable("end_at must not be before start_at")
    start, end = day_bounds(first, last, zone)
    scope = scope_for(principal, only_mine=only_mine)
    return queries.list_orders(session, scope, start=start, end=end, offset=offset, limit=limit)


def order_by_barcode(session: Session, principal: Principal, code: str) -> ShownOrder:
    order_id = queries.order_id_of_barcode(session, code)
    found = None
    if order_id is not None:
        found = queries.get_order(session, scope_for(principal), order_id=order_id)
    if found is None:
        raise NotFound("barcode not found")
    return found


def status_of(order: ShownOrder, now: datetime) -> str:
    """What the order is now: a pending order past its deadline is "expired"."""
    if order.status == OrderStatus.PENDING.value and (
        order.expires_at is None or order.expires_at <= now
    ):
        return "expired"
    return order.status


# --- Finalize and cancel


def finalize_order(
    session: Session,
    principal: Principal,
    ref: str,
    zone: ZoneInfo,
    now: datetime,
    issuer: Issuer,
) -> ShownOrder:
    """Make a pending order binding, mint one barcode per admitted person, issue its invoice
    and put the confirmation into the outbox. Finalizing a finalized order returns it unchanged
    (same barcodes, no second invoice or mail); an expired one is refused. Cash point orders
    are paid by then."""
    named = _Ref.of(ref)
    order = queries.finalize_order(
        session,
        scope_for(principal),
        now,
        PAYMENT_WHEN_FINALIZED,
        order_id=named.order_id,
        token=named.token,
    )
    if order is None:
        found = get_order(session, principal, ref)
        if found.status == OrderStatus.CANCELLED.value:
            raise Unprocessable("order was cancelled")
        if found.status == OrderStatus.PENDING.value:
            raise Unprocessable("order expired: it was not finalized in time")
        return found
    # It was pending until this UPDATE, and only finalize mints barcodes: none to read.
    queries.fill_items(session, [order], barcodes=False)
    live = [item for item in order.items if item.cancelled_at is None]
    selling.end_sales(
        session,
        sale_ids=[i.ticket_sale_id for i in live if i.ticket_sale_id is not None],
        booking_ids=[i.event_booking_id for i in live if i.event_booking_id is not None],
        live_until=None,
    )
    minted = [(item, new_code()) for item in live for _ in range(item.quantity)]
    barcode_ids = queries.insert_barcodes(session, [(item.id, code) for item, code in minted])
    # By id, as reading the order lists them (one statement need not number rows in order).
    for (item, code), barcode_id in sorted(zip(minted, barcode_ids, strict=True), key=_by_id):
        item.barcodes.append(ShownBarcode(barcode_id, code, None))
    mail.queue_confirmation(session, order, now)
    # Last: the counter row stays locked until commit, so take it as late as possible.
    order.invoice_number = _issue_invoice(session, order, issuer, zone, now)
    return order


def _by_id(minted: tuple[tuple[ShownItem, str], int]) -> int:
    return minted[1]


def _issue(
    session: Session,
    order: ShownOrder,
    kind: DocumentKind,
    position: int,
    zone: ZoneInfo,
    now: datetime,
    content: dict[str, Any],
) -> str:
    """Take the next number of the kind's series and store the document's content for good."""
    year = now.astimezone(zone).year
    values = {
        "order_id": order.id,
        "kind": kind.value,
        "position": position,
        "prefix": invoices.series_prefix(kind, year),
        "issued_at": now,
        "content": content,
    }
    return queries.issue(session, values, kind, year)


def _issue_invoice(
    session: Session, order: ShownOrder, issuer: Issuer, zone: ZoneInfo, now: datetime
) -> str:
    """The invoice of a just finalized order, numbered gap-free (orders.invoices)."""
    return _issue(
        session,
        order,
        DocumentKind.INVOICE,
        1,
        zone,
        now,
        invoices.invoice_content(order, issuer, now, zone),
    )


def _issue_credit_note(
    session: Session,
    order: ShownOrder,
    cancelled: Sequence[ShownItem],
    issuer: Issuer,
    zone: ZoneInfo,
    now: datetime,
) -> None:
    """The credit note (Stornorechnung) of a cancellation after finalize: it names the invoice
    and takes the cancelled items back; the invoice itself never changes."""
    invoice_number = order.invoice_number
    if invoice_number is None:  # finalized before invoices were numbered: nothing to correct
        return
    _issue(
        session,
        order,
        DocumentKind.CREDIT_NOTE,
        order.credit_notes + 1,
        zone,
        now,
        invoices.credit_note_content(order, issuer, invoice_number, cancelled, now, zone),
    )


def cancel_order(
    session: Session,
    principal: Principal,
    ref: str,
    item_ids: Sequence[int] | None,
    now: datetime,
    *,
    zone: ZoneInfo,
    issuer: Issuer,
) -> ShownOrder:
    """Cancel single items or (no ids) the whole order: capacity returns, barcodes stop
    admitting. Cancelling the last valid item cancels the order too. A cancellation of a
    finalized order issues a credit note for what it cancels and queues a cancellation mail."""
    named = _Ref.of(ref)
    queries.lock_order(session, order_id=named.order_id, token=named.token)
    order = get_order(session, principal, ref)
    if order.status == OrderStatus.CANCELLED.value:
        raise Unprocessable("order is already cancelled")
    own = {item.id: item for item in order.items}
    if item_ids is None:
        chosen = [item.id for item in order.items if item.cancelled_at is None]
    else:
        chosen = list(dict.fromkeys(item_ids))
        _check_cancellable(own, chosen)
    cancelled = [own[i] for i in queries.cancel_items(session, chosen, now)]
    if len(cancelled) != len(chosen):  # a concurrent cancellation took some of them first
        raise Unprocessable("some of these items are already cancelled")
    # Nothing valid left: the order itself is cancelled (is_valid false from now on).
    # Conditional: of two concurrent cancellations only one changes the order.
    last = len(cancelled) == sum(1 for item in order.items if item.cancelled_at is None)
    if last and queries.cancel_order(session, order.id, now) == 0:
        raise Unprocessable("order is already cancelled")
    selling.end_sales(
        session,
        sale_ids=[i.ticket_sale_id for i in cancelled if i.ticket_sale_id is not None],
        booking_ids=[i.event_booking_id for i in cancelled if i.event_booking_id is not None],
        live_until=now,
    )
    queries.invalidate_barcodes(session, [i.id for i in cancelled], now)
    if any(i.event_booking_id is not None for i in cancelled):
        # Seats of these events' dates came back.
        seats_changed(
            session,
            {i.event_id for i in cancelled if i.event_booking_id and i.event_id is not None},
        )
    if order.status == OrderStatus.FINALIZED.value and cancelled:
        _issue_credit_note(session, order, cancelled, issuer, zone, now)
        mail.queue_cancellation(session, order, now)
    return _reload(session, order.id)


def _check_cancellable(own: Mapping[int, ShownItem], chosen: Sequence[int]) -> None:
    foreign = [i for i in chosen if i not in own]
    if foreign:
        raise Unprocessable(f"order item {foreign[0]} is not an item of this order")
    done = [i for i in chosen if own[i].cancelled_at is not None]
    if done:
        raise Unprocessable(f"order item {done[0]} is already cancelled")


# --- Documents -----------------------------------------------------------------------------------


def _document_scope(
    session: Session, principal: Principal, order_id: int, token: str
) -> tuple[OrderScope, str]:
    """Who may fetch an order's documents: anyone with its order token (go~mus), or a bearer
    token that may read the order (scope_for: the reseller or cash point that made it, tokens
    that see every order). A museum-limited bearer never gets an order outside its museums.
    Everything else is a 404, and a wrong token is refused on one small row: no loading, no
    PDF. Returns the scope to read the order in, and its status."""
    guard = queries.order_guard(session, order_id)
    if guard is None:
        raise NotFound("document not found")
    stored_token, status = guard
    if token and hmac.compare_digest(stored_token.encode(), token.encode()):
        return scope_for(principal, documents=True), status
    if principal.token_id is None or principal.access is Access.PUBLIC:
        raise NotFound("document not found")
    try:
        return scope_for(principal), status
    except Forbidden as error:
        raise NotFound("document not found") from error


def _document_order(
    session: Session, principal: Principal, order_id: int, token: str
) -> ShownOrder:
    """A finalized order whose tickets and booking confirmations the caller may fetch."""
    scope, status = _document_scope(session, principal, order_id, token)
    found = None
    if status == OrderStatus.FINALIZED.value:
        found = queries.get_order(session, scope, order_id=order_id)
    if found is None:  # not finalized, outside the bearer's scope, or deleted in between
        raise NotFound("document not found")
    return found


def ticket_document(
    session: Session,
    principal: Principal,
    order_id: int,
    ticket_sale_id: int,
    token: str,
    zone: ZoneInfo,
) -> bytes:
    order = _document_order(session, principal, order_id, token)
    item = next((i for i in order.items if i.ticket_sale_id == ticket_sale_id), None)
    if item is None:
        raise NotFound("document not found")
    return documents.ticket_pdf(order, item, zone)


def booking_document(
    session: Session,
    principal: Principal,
    order_id: int,
    booking_id: int,
    token: str,
    zone: ZoneInfo,
) -> bytes:
    order = _document_order(session, principal, order_id, token)
    item = next((i for i in order.items if i.event_booking_id == booking_id), None)
    if item is None:
        raise NotFound("document not found")
    return documents.booking_pdf(order, item, zone)


def _issued(
    session: Session,
    principal: Principal,
    order_id: int,
    token: str,
    kind: DocumentKind,
    position: int,
) -> dict[str, Any] | None:
    scope, _ = _document_scope(session, principal, order_id, token)
    if scope != OrderScope() and not queries.order_visible(session, scope, order_id):
        raise NotFound("document not found")
    return queries.invoice_content(session, order_id, kind, position)


def invoice_document(session: Session, principal: Principal, order_id: int, token: str) -> bytes:
    """The invoice as it was issued at finalize: the same bytes whatever happened since."""
    content = _issued(session, principal, order_id, token, DocumentKind.INVOICE, 1)
    if content is None:
        raise NotFound("no invoice: the order was never finalized")
    return documents.invoice_pdf(content)


def credit_note_document(
    session: Session, principal: Principal, order_id: int, number: int, token: str
) -> bytes:
    """The credit note `number` (1, 2, ...: one per cancellation after finalize)."""
    content = _issued(session, principal, order_id, token, DocumentKind.CREDIT_NOTE, number)
    if content is None:
        raise NotFound(f"no credit note {number}: no such cancellation after finalize")
    return documents.invoice_pdf(content)
