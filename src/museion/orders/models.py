"""Orders, their items (ticket sales, event bookings) and the barcodes that admit people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from museion.availability.models import TicketSale
from museion.catalogue.events.models import EventBooking, EventDate
from museion.catalogue.tickets.models import Ticket
from museion.db import Base, Translations, UTCDateTime


class OrderStatus(StrEnum):
    PENDING = "pending"  # created, holds its capacity until `expires_at`
    FINALIZED = "finalized"  # binding: barcodes minted
    CANCELLED = "cancelled"


class OrderSource(StrEnum):
    RESELLER = "reseller"
    CASHPOINT = "cashpoint"
    SHOP = "shop"
    API = "api"


class PaymentStatus(IntEnum):
    """go~mus `payment_status` of an order. The reference lists no values, only shows 30 on a
    valid order (page-reseller_api.md); the codes step in tens like go~mus booking states
    (BOOKED=20, CANCELED=60 in page-cash_point_api.md)."""

    PENDING = 10  # nothing paid yet: a draft, or an order waiting for a payment provider
    INVOICED = 20  # binding and billed on account: the museum invoices the reseller
    PAID = 30  # paid in full: cash point orders are paid in place (page-cash_point_api.md)


class DocumentKind(StrEnum):
    """The numbered documents of an order (table `invoice`); each kind is its own gap-free
    series."""

    INVOICE = "invoice"  # issued with the finalize that makes the order binding
    CREDIT_NOTE = "credit_note"  # Stornorechnung: issued by each cancellation after that


class ItemType(StrEnum):
    TICKET = "Ticket"
    EVENT = "Event"


class Order(Base):
    __tablename__ = "order"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'finalized', 'cancelled')", name="status"),
        CheckConstraint("source IN ('reseller', 'cashpoint', 'shop', 'api')", name="source"),
        CheckConstraint("total_price_cents >= 0", name="total_not_negative"),
        CheckConstraint("payment_status IN (10, 20, 30)", name="payment_status"),
        # GET /orders: a token's orders of some days.
        Index("ix_order_api_token_id_created_at", "api_token_id", "created_at"),
        Index("ix_order_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unguessable: it names the order in URLs and guards its documents (go~mus `token`).
    token: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=OrderStatus.PENDING.value)
    source: Mapped[str] = mapped_column(String(10))
    api_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_token.id", ondelete="SET NULL")
    )
    comment: Mapped[str | None] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(Text)
    customer: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    total_price_cents: Mapped[int] = mapped_column(Integer, default=0)
    # A PaymentStatus; set with the finalize that makes the order binding.
    payment_status: Mapped[int] = mapped_column(
        Integer, default=PaymentStatus.PENDING.value, server_default=text("10")
    )
    # Set from the service's clock (not the database's), so expiry is testable.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A pending order is binding only if finalized before this; None once finalized.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    items: Mapped[list[OrderItem]] = relationship(
        lazy="raise", order_by="OrderItem.id", cascade="all, delete-orphan", passive_deletes=True
    )


class OrderItem(Base):
    """One line of an order: a ticket sale or an event booking, with its computed price."""

    __tablename__ = "order_item"
    __table_args__ = (
        CheckConstraint("type IN ('Ticket', 'Event')", name="type"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(
            "(type = 'Ticket' AND ticket_sale_id IS NOT NULL AND event_booking_id IS NULL) OR "
            "(type = 'Event' AND event_booking_id IS NOT NULL AND ticket_sale_id IS NULL)",
            name="one_kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(10))
    # The museum it belongs to (None: a ticket of no museum); museum-limited tokens filter on it.
    museum_id: Mapped[int | None] = mapped_column(
        ForeignKey("museum.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[dict[str, str | None]] = mapped_column(Translations)
    quantity: Mapped[int] = mapped_column(Integer)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The item's total after its discount, in cents.
    price_cents: Mapped[int] = mapped_column(Integer)
    vat_pct: Mapped[float] = mapped_column(Float, default=0.0)
    tax_included: Mapped[bool] = mapped_column(Boolean, default=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"))
    ticket_sale_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket_sale.id", ondelete="RESTRICT"), unique=True
    )
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"))
    date_id: Mapped[int | None] = mapped_column(ForeignKey("event_date.id", ondelete="SET NULL"))
    event_booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_booking.id", ondelete="RESTRICT"), unique=True
    )
    # Event items with scale prices: {"<scale price id>": quantity}.
    quantities: Mapped[dict[str, int] | None] = mapped_column(JSON)
    # [{"name": ..., "surname": ...}] when the ticket asks for attendees.
    attendees: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    # Combined tickets: {"<sub ticket id>": entry time (ISO 8601, UTC)}.
    sub_ticket_times: Mapped[dict[str, str] | None] = mapped_column(JSON)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    ticket: Mapped[Ticket | None] = relationship(lazy="raise")
    event_date: Mapped[EventDate | None] = relationship(lazy="raise")
    ticket_sale: Mapped[TicketSale | None] = relationship(lazy="raise")
    event_booking: Mapped[EventBooking | None] = relationship(lazy="raise")
    barcodes: Mapped[list[Barcode]] = relationship(
        lazy="raise", order_by="Barcode.id", cascade="all, delete-orphan", passive_deletes=True
    )


class Barcode(Base):
    """Admits one person; minted on finalize. Code 39-safe: A-Z and 0-9 only."""

    __tablename__ = "barcode"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    order_item_id: Mapped[int] = mapped_column(
        ForeignKey("order_item.id", ondelete="CASCADE"), index=True
    )
    # Set when its item or order is cancelled: the barcode no longer admits anyone.
    invalidated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IdempotencyKey(Base):
    """The first answer to a request sent with an Idempotency-Key (see orders.idempotency)."""

    __tablename__ = "idempotency_key"

    # SHA-256 of the token id and the client's key: keys of different tokens never collide.
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    # SHA-256 of method, path and body: the same key with another request is refused.
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[bytes] = mapped_column(LargeBinary)
    # Indexed: requests that store a key delete the expired ones (oldest first).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Mail(Base):
    """The mail outbox (orders.outbox): a mail is stored with the change that causes it and
    sent afterwards, so a mail server outage delays mails but never loses one or fails an order.
    It keeps only what to write about: the text is written when it is sent, from the order as
    it is then."""

    __tablename__ = "mail"
    __table_args__ = (
        # The delivery path: unsent mails that are due.
        Index("ix_mail_sent_at_next_attempt_at", "sent_at", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One confirmation per order: only the finalize that makes it binding queues one.
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # orders.mail.CONFIRMATION, CANCELLATION
    recipient: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Also the lease of a sender working on it: others skip it until then.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DocumentCounter(Base):
    """The last number taken of a document series in a year. Numbers are taken under this
    row's lock inside the transaction that issues the document, so they are gap-free: a
    rollback gives its number back (a database sequence would not)."""

    __tablename__ = "document_counter"

    series: Mapped[str] = mapped_column(String(20), primary_key=True)  # a DocumentKind
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Invoice(Base):
    """An issued invoice or credit note: its number and everything it prints, written once
    when it is issued and never changed (orders.invoices builds the content, orders.documents
    prints it), so its PDF stays the same whatever happens to the order later."""

    __tablename__ = "invoice"
    __table_args__ = (
        CheckConstraint("kind IN ('invoice', 'credit_note')", name="kind"),
        # An order's invoice is its position 1; its credit notes are 1, 2, ... in issue order.
        UniqueConstraint("order_id", "kind", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # RESTRICT: an issued invoice must be kept, so its order cannot simply be deleted.
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)


# --- What an order shows, as plain values ---------------------------------------------------------
# The one read model of an order: its answers (create, finalize, reads, cancel), its documents
# and its mails are all built from these, read with a few plain statements (orders.queries).


@dataclass(frozen=True, slots=True)
class ShownLocation:
    name: str | None
    street: str | None
    zip: str | None
    city: str | None
    latitude: float | None
    longitude: float | None
    country: dict[str, str | None] | None  # the country's name in every locale


@dataclass(frozen=True, slots=True)
class ShownBarcode:
    id: int
    code: str
    invalidated_at: datetime | None


@dataclass(slots=True)
class ShownItem:
    id: int
    type: str
    title: dict[str, str | None]
    quantity: int
    start_at: datetime
    price_cents: int
    vat_pct: float
    tax_included: bool
    ticket_id: int | None
    ticket_sale_id: int | None
    event_id: int | None
    date_id: int | None
    event_booking_id: int | None
    quantities: dict[str, int] | None
    sub_ticket_times: dict[str, str] | None
    cancelled_at: datetime | None
    # Of its ticket (None for event items, or when the ticket is gone).
    ticket_type: str | None
    after_sale_information: dict[str, str | None] | None
    # A ticket's: its (first) museum's address; a date's: its venue, the event's or the museum's.
    location: ShownLocation | None
    barcodes: list[ShownBarcode] = field(default_factory=list)


@dataclass(slots=True)
class ShownOrder:
    id: int
    token: str
    status: str
    source: str
    comment: str | None
    reference: str | None
    customer: dict[str, Any] | None
    total_price_cents: int
    payment_status: int
    created_at: datetime
    expires_at: datetime | None
    # The number of its invoice (None: never finalized), and how many credit notes it has.
    invoice_number: str | None = None
    credit_notes: int = 0
    items: list[ShownItem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SalePrice:
    """A scale price of an event, as an order charges it."""

    id: int
    price_cents: int
    vat_pct: float
    group: bool  # one price for the whole group, whatever the quantity
    seat_category_id: int | None  # only for seats of this category


@dataclass(frozen=True, slots=True)
class SaleDate:
    """A date as an order books it: its rules and prices, its event's, and where it is."""

    id: int
    event_id: int
    museum_id: int
    title: dict[str, str | None]  # the event's
    status: str
    start_at: datetime
    seating_id: int | None
    max_per_registration: int | None
    price_cents: int | None
    price_group: bool
    vat_pct: float
    discount: int
    tax_included: bool
    min_persons: int
    max_persons: int | None
    bookable_public: bool
    bookable_reseller: bool
    bookable_cashpoint: bool
    location: ShownLocation | None
    scale_prices: tuple[SalePrice, ...]
