"""go~mus order shapes (page-reseller_api.md): the two create payloads, orders and their items."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from museion.availability.schemas import MAX_QUANTITY, Quantity
from museion.catalogue.schemas import LocationOut
from museion.orders.models import ItemType, ShownBarcode, ShownItem, ShownLocation, ShownOrder
from museion.web import ApiDateTime, Id, Integer, Meta, PlainText, Render, Text

Count = Annotated[Integer, Field(ge=0, le=MAX_QUANTITY)]
# Reservation and order tokens are URL-safe text (see availability.holds, new_token).
Token = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Name = Annotated[PlainText, Field(min_length=1, max_length=200)]
Note = Annotated[PlainText, Field(max_length=5000)]
Cents = Annotated[Integer, Field(ge=0, le=10**12)]
MAX_ITEMS = 100
# A customer record is the seller's free-form data about the buyer, within these bounds.
CUSTOMER_FIELDS = 50
CUSTOMER_DEPTH = 3
CUSTOMER_TEXT = 1000


def _one_address(value: str) -> str:
    # One address, never a list: a comma list must not fan a confirmation mail out.
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"must be one valid e-mail address ({exc})") from exc


Email = Annotated[PlainText, Field(max_length=254), AfterValidator(_one_address)]


def _customer_value(value: Any, where: str, depth: int) -> None:
    if isinstance(value, str):
        _plain_text_of(value, where)
    elif isinstance(value, dict | list):
        if depth >= CUSTOMER_DEPTH:
            raise ValueError(f"{where}: nested too deep")
        pairs = value.items() if isinstance(value, dict) else enumerate(value)
        if len(value) > CUSTOMER_FIELDS:
            raise ValueError(f"{where}: at most {CUSTOMER_FIELDS} entries")
        for key, item in pairs:
            _customer_value(item, f"{where}.{key}", depth + 1)


def _plain_text_of(value: str, where: str) -> None:
    if len(value) > CUSTOMER_TEXT:
        raise ValueError(f"{where}: at most {CUSTOMER_TEXT} characters")
    try:
        TypeAdapter(PlainText).validate_python(value)
    except ValidationError as exc:
        raise ValueError(
            f"{where}: {exc.errors()[0]['msg'].removeprefix('Value error, ')}"
        ) from exc


class CustomerIn(BaseModel):
    """The buyer as the seller knows them; `email` receives the confirmation."""

    model_config = ConfigDict(extra="allow")

    email: Email | None = None

    @model_validator(mode="after")
    def _bounded(self) -> CustomerIn:
        extra = self.model_extra or {}
        if len(extra) >= CUSTOMER_FIELDS:
            raise ValueError(f"customer: at most {CUSTOMER_FIELDS} fields")
        for key, value in extra.items():
            _plain_text_of(key, "customer field name")
            _customer_value(value, key, 1)
        return self


class AttendeeIn(BaseModel):
    name: Name
    surname: Name


class SeatIn(BaseModel):
    seat_id: Id
    scale_price_id: Id


class TicketAttributesIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: Id
    quantity: Quantity
    time: ApiDateTime
    reservations: list[Token] = Field(default_factory=list, max_length=100)
    attendees: list[AttendeeIn] | None = Field(None, max_length=MAX_QUANTITY)
    sub_ticket_times: dict[Annotated[PlainText, Field(max_length=20)], ApiDateTime] | None = Field(
        None, max_length=20
    )


class EventAttributesIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: Id
    quantity: Quantity | None = None
    # {"<scale price id>": quantity}
    quantities: dict[Id, Count] | None = Field(None, max_length=50)
    seats: list[SeatIn] | None = Field(None, max_length=1000)


class TicketItemIn(BaseModel):
    type: Literal["Ticket"]
    attributes: TicketAttributesIn


class EventItemIn(BaseModel):
    type: Literal["Event"]
    attributes: EventAttributesIn


ItemIn = Annotated[TicketItemIn | EventItemIn, Field(discriminator="type")]


class FlatItemIn(BaseModel):
    """The newer form's item: `date_id` (an event booking) or `ticket_id` (a ticket sale)."""

    model_config = ConfigDict(extra="ignore")

    date_id: Id | None = None
    ticket_id: Id | None = None
    quantity: Quantity | None = None
    quantities: dict[Id, Count] | None = Field(None, max_length=50)
    seats: list[SeatIn] | None = Field(None, max_length=1000)
    time: ApiDateTime | None = None
    start_at: ApiDateTime | None = None
    reservations: list[Token] = Field(default_factory=list, max_length=100)
    attendees: list[AttendeeIn] | None = Field(None, max_length=MAX_QUANTITY)

    @model_validator(mode="after")
    def _one_kind(self) -> FlatItemIn:
        if (self.date_id is None) == (self.ticket_id is None):
            raise ValueError("an item needs either date_id or ticket_id")
        if self.ticket_id is not None and (self.quantity is None or self.entry is None):
            raise ValueError("a ticket item needs quantity and time")
        return self

    @property
    def entry(self) -> datetime | None:
        return self.time or self.start_at


class NewOrderIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    items: list[FlatItemIn] = Field(max_length=MAX_ITEMS)
    customer: CustomerIn | None = None
    comment: Note | None = None
    reference: Note | None = None
    total: Cents | None = None


class OrderCreate(BaseModel):
    """Either the reference form (`items` of `{type, attributes}`, `total`) or the newer one
    (`{"order": {"items": [{"date_id": ..., "quantity": ...}], "customer": {...}}}`)."""

    model_config = ConfigDict(extra="ignore")

    comment: Note | None = None
    reference: Note | None = None
    items: list[ItemIn] | None = Field(None, max_length=MAX_ITEMS)
    total: Cents | None = None
    customer: CustomerIn | None = None
    order: NewOrderIn | None = None

    @model_validator(mode="after")
    def _one_form(self) -> OrderCreate:
        top_level = ("items", "total", "customer", "comment", "reference")
        if self.order is not None and any(getattr(self, name) is not None for name in top_level):
            raise ValueError(
                "send either the order object or top-level items, total, customer, comment "
                "and reference, not both"
            )
        if self.order is None and self.items is None:
            raise ValueError("an order needs items (or the order object)")
        return self


class CancellationIn(BaseModel):
    """No ids (or no body): the whole order. With `order_item_ids`: only those items."""

    model_config = ConfigDict(extra="ignore")

    order_item_ids: list[Id] | None = Field(None, min_length=1, max_length=MAX_ITEMS)


# --- Answers


def _location(shown: ShownLocation | None, render: Render) -> LocationOut | None:
    if shown is None:
        return None
    return LocationOut.model_construct(
        name=shown.name,
        city=shown.city,
        country=render.text(shown.country) if shown.country is not None else None,
        street=shown.street,
        zip=shown.zip,
        latitude=shown.latitude,
        longitude=shown.longitude,
    )


class BarcodeOut(BaseModel):
    id: int
    barcode: str
    method: str
    valid: bool

    @classmethod
    def build(cls, barcode: ShownBarcode) -> BarcodeOut:
        return cls.model_construct(
            id=barcode.id,
            barcode=barcode.code,
            method="code128",  # what the ticket PDFs print (besides a QR code)
            valid=barcode.invalidated_at is None,
        )


class TicketItemAttributesOut(BaseModel):
    id: int  # the ticket sale
    title: Text
    ticket_id: int | None
    quantity: int
    ticket_type: str | None
    start_time: datetime
    location: LocationOut | None
    barcodes: list[BarcodeOut]
    after_sale_information: Text
    # Combined tickets: the entry time of each sub ticket (go~mus sub_ticket_times).
    sub_ticket_times: dict[Annotated[PlainText, Field(max_length=20)], ApiDateTime] | None


class EventItemAttributesOut(BaseModel):
    id: int  # the event booking
    date_id: int | None
    event_id: int | None
    start_time: datetime
    title: Text
    quantity: int
    quantities: dict[str, int] | None
    location: LocationOut | None
    barcodes: list[BarcodeOut]


class DocumentLinks:
    """Where an order's documents are: absolute URLs with the order token (go~mus
    page-reseller_api.md, Documents), so a client never has to put one together."""

    def __init__(self, api_url: str, order: ShownOrder, status: str) -> None:
        self._orders = f"{api_url.rstrip('/')}/orders/{order.id}"
        self._query = f"?token={order.token}"
        # Tickets and booking confirmations: while the order is valid (go~mus `is_valid`).
        self.valid = status == "finalized"

    def url(self, path: str) -> str:
        return f"{self._orders}/{path}{self._query}"

    def of_item(self, item: ShownItem) -> str | None:
        if not self.valid:
            return None
        if item.ticket_sale_id is not None:
            return self.url(f"tickets/{item.ticket_sale_id}.pdf")
        return self.url(f"events/{item.event_booking_id}.pdf")


class DocumentsOut(BaseModel):
    """Not in the reference: the URLs of the order's PDFs (each item's is also its
    `document`). `invoice` once finalized; a credit note per cancellation after that."""

    invoice: str | None
    credit_notes: list[str]
    tickets: list[str]
    bookings: list[str]

    @classmethod
    def build(cls, order: ShownOrder, links: DocumentLinks) -> DocumentsOut:
        documented = order.items if links.valid else []
        return cls.model_construct(
            invoice=links.url("invoice.pdf") if order.invoice_number is not None else None,
            credit_notes=[
                links.url(f"credit_notes/{n}.pdf") for n in range(1, order.credit_notes + 1)
            ],
            tickets=[
                links.url(f"tickets/{item.ticket_sale_id}.pdf")
                for item in documented
                if item.ticket_sale_id is not None
            ],
            bookings=[
                links.url(f"events/{item.event_booking_id}.pdf")
                for item in documented
                if item.event_booking_id is not None
            ],
        )


class OrderItemOut(BaseModel):
    id: int
    type: str
    price_cents: int
    vat_pct: float
    tax_included: bool
    cancelled: bool
    # Not in the reference: the URL of the item's PDF (tickets or booking confirmation) while
    # the order is valid, else null.
    document: str | None
    attributes: TicketItemAttributesOut | EventItemAttributesOut

    @classmethod
    def build(cls, item: ShownItem, render: Render, links: DocumentLinks) -> OrderItemOut:
        barcodes = [BarcodeOut.build(b) for b in item.barcodes]
        location = _location(item.location, render)
        attributes: TicketItemAttributesOut | EventItemAttributesOut
        if item.type == ItemType.TICKET.value:
            attributes = TicketItemAttributesOut.model_construct(
                id=item.ticket_sale_id or 0,
                title=render.text(item.title),
                ticket_id=item.ticket_id,
                quantity=item.quantity,
                ticket_type=item.ticket_type,
                start_time=render.time(item.start_at),
                location=location,
                barcodes=barcodes,
                after_sale_information=render.text(item.after_sale_information)
                if item.ticket_type is not None  # None: the ticket is gone
                else None,
                sub_ticket_times={
                    key: render.time(datetime.fromisoformat(at))
                    for key, at in item.sub_ticket_times.items()
                }
                if item.sub_ticket_times
                else None,
            )
        else:
            attributes = EventItemAttributesOut.model_construct(
                id=item.event_booking_id or 0,
                date_id=item.date_id,
                event_id=item.event_id,
                start_time=render.time(item.start_at),
                title=render.text(item.title),
                quantity=item.quantity,
                quantities=item.quantities,
                location=location,
                barcodes=barcodes,
            )
        return cls.model_construct(
            id=item.id,
            type=item.type,
            price_cents=item.price_cents,
            vat_pct=item.vat_pct,
            tax_included=item.tax_included,
            cancelled=item.cancelled_at is not None,
            document=links.of_item(item),
            attributes=attributes,
        )


class OrderOut(BaseModel):
    id: int
    token: str
    is_valid: bool
    total_price_cents: int
    comment: str | None
    reference: str | None
    rating: int | None
    invoice: bool
    created_at: datetime
    source: str
    # Not in the reference: where the order stands ("pending", "expired", "finalized",
    # "cancelled") and until when a pending one can be finalized.
    status: str
    expires_at: datetime | None
    documents: DocumentsOut
    items: list[OrderItemOut]

    @classmethod
    def fields_of(
        cls, order: ShownOrder, status: str, render: Render, api_url: str
    ) -> dict[str, Any]:
        live = [item for item in order.items if item.cancelled_at is None]
        links = DocumentLinks(api_url, order, status)
        return {
            "id": order.id,
            "token": order.token,
            "is_valid": status == "finalized",
            "total_price_cents": sum(item.price_cents for item in live),
            "comment": order.comment,
            "reference": order.reference,
            "rating": None,
            # go~mus: "whether an invoice is available": issued at finalize, kept for good.
            "invoice": order.invoice_number is not None,
            "created_at": render.time(order.created_at),
            "source": order.source,
            "status": status,
            "expires_at": render.time(order.expires_at) if order.expires_at else None,
            "documents": DocumentsOut.build(order, links),
            "items": [OrderItemOut.build(item, render, links) for item in order.items],
        }

    @classmethod
    def build(cls, order: ShownOrder, status: str, render: Render, api_url: str) -> OrderOut:
        return cls.model_construct(**cls.fields_of(order, status, render, api_url))


class OrderDetailOut(OrderOut):
    # orders.models.PaymentStatus: 10 pending, 20 invoiced (resellers), 30 paid (cash points).
    payment_status: int | None
    billing_address_id: int | None

    @classmethod
    def build_detail(
        cls, order: ShownOrder, status: str, render: Render, api_url: str
    ) -> OrderDetailOut:
        # No billing addresses yet: go~mus resellers see null there too.
        return cls.model_construct(
            **cls.fields_of(order, status, render, api_url),
            payment_status=order.payment_status,
            billing_address_id=None,
        )


class OrdersEnvelope(BaseModel):
    orders: list[OrderOut]
    meta: Meta


class OrderEnvelope(BaseModel):
    order: OrderDetailOut
