"""Stored orders for the benchmark data: finalized (and some cancelled) orders of the past and the
future, with their items, ticket sales, event bookings and barcodes, all within capacity.

Two steps, kept apart on purpose:
- `plan_orders` decides what was sold: which dates and entry times, how many, when, by whom. It
  keeps every date's seats (`seats_booked` + live bookings <= `seats_max`) and every quota slot
  (sold <= configured capacity) within bounds, so the API's figures stay right.
- `write_orders` is the only code that knows the order tables. When they change (new columns, an
  invoice table), this is the function to adapt. It writes what `orders.service` writes for an
  order that was placed and then finalized (and, for some, cancelled).
"""

from __future__ import annotations

import base64
import random
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bulk import Row, Writer
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from museion.access import Access, Principal
from museion.availability.counting import picture
from museion.catalogue.tickets.queries import TicketFilter
from museion.catalogue.tickets.service import bookable_tickets
from museion.db import Base
from museion.orders.models import OrderSource, OrderStatus, PaymentStatus
from museion.tokens.models import ApiToken

Text = dict[str, str | None]
ORDERS_PER_CHUNK = 10_000
CANCELLED_SHARE = 0.04
TICKET_SHARE = 0.25  # of the items, when there are ticket entry times to sell
ITEMS_PER_ORDER = ([1, 2, 3], [80, 15, 5])
QUANTITIES = ([1, 2, 3, 4], [30, 40, 15, 15])
TRIES = 30  # random picks for an item with room before giving that item up
BOOKED_DAYS = 45  # orders are placed up to this many days before their date


@dataclass
class DateBook:
    """What orders need of every generated date, in compact arrays (there may be 500,000)."""

    first_id: int
    start: array[float] = field(default_factory=lambda: array("d"))  # UTC epoch seconds
    event_id: array[int] = field(default_factory=lambda: array("i"))
    free: array[int] = field(default_factory=lambda: array("i"))  # 0: cancelled or full
    price: array[int] = field(default_factory=lambda: array("i"))  # cents per person
    scale_price: array[int] = field(default_factory=lambda: array("i"))  # 0: none
    events: dict[int, tuple[int, Text]] = field(default_factory=dict)  # id: (museum, title)

    def record(self, rows: Iterable[Row], scale: dict[int, tuple[int, int]]) -> Iterator[Row]:
        """Pass date rows through (to the writer), remembering them; `scale`: event id ->
        (regular scale price id, cents)."""
        for row in rows:
            self.start.append(row["start_at"].timestamp())
            self.event_id.append(row["event_id"])
            booked = row["status"] == "booked"
            self.free.append(row["seats_max"] - row["seats_booked"] if booked else 0)
            price_id, cents = scale.get(row["event_id"], (0, row["price_cents"] or 0))
            self.price.append(cents)
            self.scale_price.append(price_id)
            yield row


@dataclass(frozen=True, slots=True)
class EntryTime:
    """One entry time of a ticket that orders may buy."""

    ticket_id: int
    museum_id: int | None
    title: Text
    price_cents: int
    vat_pct: float
    start: datetime
    quota_ids: tuple[int, ...]


@dataclass
class TicketBook:
    entries: list[EntryTime]
    free: dict[tuple[int, datetime], int]  # (quota id, entry time): units still to sell


def ticket_book(session: Session, days: list[date], zone: ZoneInfo, now: datetime) -> TicketBook:
    """Entry times of the bookable single tickets (no combined tickets, no attendee names) on
    these days, and their quotas' free units, as the capacity endpoints compute them."""
    found = bookable_tickets(session, Principal(Access.USER), TicketFilter())
    sold = [t for t in found if not t.sub_tickets and t.attendees == "none"]
    seen = picture(session, sold, days, zone, now)
    entries, free = [], {}
    for ticket in sold:
        quota_ids = tuple(seen.quota_ids.get(ticket.id, ()))
        if not quota_ids:
            continue  # not limited by a quota: nothing to count against
        museum_id = ticket.museums[0].id if ticket.museums else None
        for day in days:
            for slot in seen.ticket_slots(ticket, day):
                for quota_id in quota_ids:
                    free[(quota_id, slot.start)] = seen.free(quota_id, slot.start)
                entries.append(
                    EntryTime(
                        ticket.id,
                        museum_id,
                        ticket.title,
                        ticket.price_cents,
                        ticket.vat_pct,
                        slot.start,
                        quota_ids,
                    )
                )
    return TicketBook(entries, free)


@dataclass(slots=True)
class PlannedItem:
    type: str  # "Ticket" or "Event"
    museum_id: int | None
    title: Text
    quantity: int
    start_at: datetime
    price_cents: int
    vat_pct: float
    ticket_id: int | None = None
    event_id: int | None = None
    date_id: int | None = None
    quantities: dict[str, int] | None = None


@dataclass(slots=True)
class PlannedOrder:
    token: str
    source: str
    api_token_id: int | None
    created_at: datetime
    finalized_at: datetime
    cancelled_at: datetime | None
    items: list[PlannedItem]
    barcodes: list[list[str]]  # per item, one per person


def seller_tokens(session: Session) -> dict[str, int | None]:
    """The first unlimited reseller and cash point tokens (the demo's): orders are theirs."""
    found: dict[str, int | None] = {OrderSource.RESELLER: None, OrderSource.CASHPOINT: None}
    for token_id, access in session.execute(
        select(ApiToken.id, ApiToken.access).where(ApiToken.revoked_at.is_(None)).order_by("id")
    ):
        if access in found and found[access] is None and not _limited(session, token_id):
            found[access] = token_id
    return found


def _limited(session: Session, token_id: int) -> bool:
    museums = Base.metadata.tables["api_token_museum"]
    return (
        session.scalar(select(museums.c.token_id).where(museums.c.token_id == token_id)) is not None
    )


class Planner:
    """Picks what each order bought, within the room that is left."""

    def __init__(
        self,
        rng: random.Random,
        dates: DateBook,
        tickets: TicketBook,
        sellers: dict[str, int | None],
        now: datetime,
    ) -> None:
        self.rng, self.dates, self.tickets, self.sellers, self.now = (
            rng,
            dates,
            tickets,
            sellers,
            now,
        )

    def orders(self, n: int) -> Iterator[PlannedOrder]:
        made = 0
        while made < n:
            order = self._order()
            if order is not None:
                made += 1
                yield order

    def _order(self) -> PlannedOrder | None:
        rng = self.rng
        cancelled = rng.random() < CANCELLED_SHARE
        count = rng.choices(*ITEMS_PER_ORDER)[0]
        items = [item for _ in range(count) if (item := self._item(cancelled)) is not None]
        if not items:
            return None
        first = min(item.start_at for item in items)
        latest = self.now - timedelta(seconds=rng.randrange(60, 86_400))
        created = min(first - timedelta(seconds=rng.randrange(BOOKED_DAYS * 86_400)), latest)
        created = created.replace(microsecond=0)
        finalized = created + timedelta(seconds=rng.randrange(5, 300))
        cancelled_at = None
        if cancelled:
            later = finalized + timedelta(seconds=rng.randrange(3_600, 10 * 86_400))
            cancelled_at = min(later, self.now - timedelta(seconds=1))
            cancelled_at = max(cancelled_at, finalized)
        source = OrderSource.CASHPOINT if rng.random() < 0.5 else OrderSource.RESELLER
        return PlannedOrder(
            token=_token(rng),
            source=source.value,
            api_token_id=self.sellers[source],
            created_at=created,
            finalized_at=finalized,
            cancelled_at=cancelled_at,
            items=items,
            barcodes=[[_code(rng) for _ in range(item.quantity)] for item in items],
        )

    def _item(self, cancelled: bool) -> PlannedItem | None:
        quantity = self.rng.choices(*QUANTITIES)[0]
        if self.tickets.entries and self.rng.random() < TICKET_SHARE:
            return self._ticket_item(quantity, cancelled)
        return self._event_item(quantity, cancelled)

    def _event_item(self, quantity: int, cancelled: bool) -> PlannedItem | None:
        book = self.dates
        for _ in range(TRIES):
            index = self.rng.randrange(len(book.start))
            if book.free[index] >= quantity:
                break
        else:
            return None
        if not cancelled:  # a cancelled order's seats came back
            book.free[index] -= quantity
        museum_id, title = book.events[book.event_id[index]]
        scale_price = book.scale_price[index]
        return PlannedItem(
            type="Event",
            museum_id=museum_id,
            title=title,
            quantity=quantity,
            start_at=datetime.fromtimestamp(book.start[index], UTC),
            price_cents=book.price[index] * quantity,
            vat_pct=0.0,
            event_id=book.event_id[index],
            date_id=book.first_id + index,
            quantities={str(scale_price): quantity} if scale_price else None,
        )

    def _ticket_item(self, quantity: int, cancelled: bool) -> PlannedItem | None:
        free = self.tickets.free
        for _ in range(TRIES):
            entry = self.rng.choice(self.tickets.entries)
            if all(free[(q, entry.start)] >= quantity for q in entry.quota_ids):
                break
        else:
            return None
        if not cancelled:
            for quota_id in entry.quota_ids:
                free[(quota_id, entry.start)] -= quantity
        return PlannedItem(
            type="Ticket",
            museum_id=entry.museum_id,
            title=entry.title,
            quantity=quantity,
            start_at=entry.start,
            price_cents=entry.price_cents * quantity,
            vat_pct=entry.vat_pct,
            ticket_id=entry.ticket_id,
        )


def _token(rng: random.Random) -> str:
    """Like orders.service.new_token (128 bits, URL-safe), but from the seed."""
    return base64.urlsafe_b64encode(rng.getrandbits(128).to_bytes(16, "big")).rstrip(b"=").decode()


def _code(rng: random.Random) -> str:
    """Like orders.barcodes.new_code (80 bits in base32, 16 characters), but from the seed."""
    return base64.b32encode(rng.getrandbits(80).to_bytes(10, "big")).decode()


def write_orders(
    writer: Writer, tables: dict[str, Table], orders: Iterable[PlannedOrder], first: dict[str, int]
) -> dict[str, int]:
    """Store planned orders as place_order + finalize_order (+ cancel_order) leave them: the
    order, its items, their ticket sales or event bookings (live_until None while binding, the
    cancellation time once cancelled) and one barcode per person. `first`: the next free id of
    each table. Returns rows written per table."""
    ids = dict(first)
    counts = dict.fromkeys(("order", "order_item", "ticket_sale", "event_booking", "barcode"), 0)
    batch: dict[str, list[Row]] = {name: [] for name in counts}

    def flush() -> None:
        # Referenced rows first: sales and bookings, orders, items, barcodes.
        for name in ("ticket_sale", "event_booking", "order", "order_item", "barcode"):
            counts[name] += writer.write(tables[name], batch[name])
            batch[name].clear()

    for n, order in enumerate(orders, 1):
        _order_rows(order, ids, batch)
        if n % ORDERS_PER_CHUNK == 0:
            flush()
    flush()
    return counts


def _next(ids: dict[str, int], name: str) -> int:
    ids[name] += 1
    return ids[name] - 1


def _order_rows(order: PlannedOrder, ids: dict[str, int], batch: dict[str, list[Row]]) -> None:
    order_id = _next(ids, "order")
    ended = order.cancelled_at  # None: binding, so its sales and bookings count for good
    batch["order"].append(
        {
            "id": order_id,
            "token": order.token,
            "status": (OrderStatus.CANCELLED if ended else OrderStatus.FINALIZED).value,
            "source": order.source,
            "api_token_id": order.api_token_id,
            "comment": None,
            "reference": None,
            "customer": None,
            "total_price_cents": sum(item.price_cents for item in order.items),
            "payment_status": (
                PaymentStatus.PAID
                if order.source == OrderSource.CASHPOINT
                else PaymentStatus.INVOICED
            ).value,
            "created_at": order.created_at,
            "expires_at": None,
            "finalized_at": order.finalized_at,
            "cancelled_at": ended,
        }
    )
    for item, codes in zip(order.items, order.barcodes, strict=True):
        item_id = _next(ids, "order_item")
        sale_id = booking_id = None
        if item.type == "Ticket":
            sale_id = _next(ids, "ticket_sale")
            batch["ticket_sale"].append(
                {
                    "id": sale_id,
                    "ticket_id": item.ticket_id,
                    "quantity": item.quantity,
                    "start_at": item.start_at,
                    "live_until": ended,
                    "parent_id": None,
                }
            )
        else:
            booking_id = _next(ids, "event_booking")
            batch["event_booking"].append(
                {
                    "id": booking_id,
                    "date_id": item.date_id,
                    "quantity": item.quantity,
                    "live_until": ended,
                }
            )
        batch["order_item"].append(_item_row(item, order_id, item_id, sale_id, booking_id, ended))
        for code in codes:
            batch["barcode"].append(
                {
                    "id": _next(ids, "barcode"),
                    "code": code,
                    "order_item_id": item_id,
                    "invalidated_at": ended,
                }
            )


def _item_row(
    item: PlannedItem,
    order_id: int,
    item_id: int,
    sale_id: int | None,
    booking_id: int | None,
    ended: datetime | None,
) -> dict[str, Any]:
    return {
        "id": item_id,
        "order_id": order_id,
        "type": item.type,
        "museum_id": item.museum_id,
        "title": item.title,
        "quantity": item.quantity,
        "start_at": item.start_at,
        "price_cents": item.price_cents,
        "vat_pct": item.vat_pct,
        "tax_included": True,
        "ticket_id": item.ticket_id,
        "ticket_sale_id": sale_id,
        "event_id": item.event_id,
        "date_id": item.date_id,
        "event_booking_id": booking_id,
        "quantities": item.quantities,
        "attendees": None,
        "sub_ticket_times": None,
        "cancelled_at": ended,
    }
