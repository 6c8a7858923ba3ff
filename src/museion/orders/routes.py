"""/orders: create, finalize, read, cancel (go~mus page-reseller_api.md, orders.md).
The fixed path /orders/barcode/... comes before /orders/{id}."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    BackgroundTasks,
    Body,
    Depends,
    Header,
    Path,
    Query,
    Request,
    Response,
)
from fastapi.openapi.models import Example

from museion.access import Access, Permission, Principal
from museion.auth import PrincipalDep, require
from museion.config import Settings
from museion.db import SessionDep
from museion.orders import idempotency, mail, service
from museion.orders.idempotency import Answer
from museion.orders.invoices import Issuer
from museion.orders.schemas import (
    AttendeeIn,
    CancellationIn,
    CustomerIn,
    EventItemIn,
    FlatItemIn,
    OrderCreate,
    OrderDetailOut,
    OrderEnvelope,
    OrderOut,
    OrdersEnvelope,
    SeatIn,
    TicketItemIn,
)
from museion.orders.service import Attendee, EventLine, OrderRequest, ShownOrder, TicketLine
from museion.web import (
    API_PREFIX,
    ApiDate,
    ApiRoute,
    NowDep,
    PaginationDep,
    PathId,
    Render,
    RenderDep,
    SettingsDep,
    example_time,
    settings_of,
)

router = APIRouter(tags=["orders"], route_class=ApiRoute)

# User tokens need the `orders` permission; which orders each seller sees: service.scope_for.
Seller = Annotated[
    Principal,
    Depends(
        require(Access.RESELLER, Access.CASHPOINT, Access.USER, user_permission=Permission.ORDERS)
    ),
]
# The numeric id or the order token.
OrderRef = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
BarcodeRef = Annotated[str, Path(min_length=1, max_length=64)]
IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Retry safely: the same key and request replay the first answer.",
    ),
]

KEY_IN_PROGRESS = {
    "description": "A request with this Idempotency-Key is still running: retry shortly "
    "(`Retry-After`)."
}

# Examples for the API docs that work against `museion demo` (ticket 1: the Kunsthalle's
# regular time-slot ticket, 12 EUR; the Kunsthalle is open on Wednesdays from 10:00).
ORDER_EXAMPLES: dict[str, Example] = {
    "tickets": {
        "summary": "Two tickets for one time slot (reference form)",
        "value": {
            "items": [
                {
                    "type": "Ticket",
                    "attributes": {"id": 1, "quantity": 2, "time": example_time(10, 30)},
                }
            ],
            "total": 2400,
            "reference": "booking 4711 of the partner shop",
        },
    },
    "order": {
        "summary": "The newer form, with a customer",
        "description": "Event dates are booked with `date_id` instead of `ticket_id`: "
        "`GET /api/v4/dates?by_bookable=true` lists them.",
        "value": {
            "order": {
                "items": [{"ticket_id": 1, "quantity": 1, "time": example_time(11, 0)}],
                "customer": {"email": "visitor@example.com"},
            }
        },
    },
}
CANCELLATION_EXAMPLES: dict[str, Example] = {
    "items": {
        "summary": "Cancel some items",
        "description": "The ids of the order's `items` to cancel.",
        "value": {"order_item_ids": [1]},
    },
    "order": {"summary": "Cancel the whole order", "value": {}},
}


def _line(item: TicketItemIn | EventItemIn | FlatItemIn) -> TicketLine | EventLine:
    if isinstance(item, TicketItemIn):
        a = item.attributes
        return TicketLine(
            ticket_id=a.id,
            quantity=a.quantity,
            time=a.time,
            reservations=a.reservations,
            attendees=_attendees(a.attendees),
            sub_ticket_times=a.sub_ticket_times,
        )
    if isinstance(item, EventItemIn):
        e = item.attributes
        return EventLine(
            date_id=e.id, quantity=e.quantity, quantities=e.quantities, seats=_seats(e.seats)
        )
    if item.ticket_id is not None and item.quantity is not None and item.entry is not None:
        return TicketLine(
            ticket_id=item.ticket_id,
            quantity=item.quantity,
            time=item.entry,
            reservations=item.reservations,
            attendees=_attendees(item.attendees),
        )
    assert item.date_id is not None  # FlatItemIn checked that one of them is there
    return EventLine(
        date_id=item.date_id,
        quantity=item.quantity,
        quantities=item.quantities,
        seats=_seats(item.seats),
    )


def _seats(given: list[SeatIn] | None) -> list[tuple[int, int]] | None:
    return [(s.seat_id, s.scale_price_id) for s in given] if given else None


def _attendees(given: list[AttendeeIn] | None) -> list[Attendee] | None:
    if given is None:
        return None
    return [Attendee(name=a.name, surname=a.surname) for a in given]


def _customer(given: CustomerIn | None) -> dict[str, Any] | None:
    return None if given is None else given.model_dump(mode="json", exclude_unset=True)


def _request(body: OrderCreate) -> OrderRequest:
    if body.order is not None:
        new = body.order
        return OrderRequest(
            lines=[_line(item) for item in new.items],
            total=new.total,
            comment=new.comment,
            reference=new.reference,
            customer=_customer(new.customer),
        )
    return OrderRequest(
        lines=[_line(item) for item in body.items or []],
        total=body.total,
        comment=body.comment,
        reference=body.reference,
        customer=_customer(body.customer),
    )


def _api_url(request: Request) -> str:
    """Where clients reach the API: document links in order answers are absolute."""
    base = settings_of(request).public_url or str(request.base_url)
    return base.rstrip("/") + API_PREFIX


def _issuer(settings: Settings) -> Issuer:
    return Issuer(settings.issuer_name, settings.issuer_address, settings.issuer_tax_number)


def _envelope(order: ShownOrder, render: Render, now: datetime, request: Request) -> OrderEnvelope:
    status = service.status_of(order, now)
    return OrderEnvelope(
        order=OrderDetailOut.build_detail(order, status, render, _api_url(request))
    )


@router.get("/orders", summary="Orders of some days (default today)")
def list_orders(
    request: Request,
    session: SessionDep,
    principal: Seller,
    render: RenderDep,
    settings: SettingsDep,
    pagination: PaginationDep,
    now: NowDep,
    start_at: Annotated[
        ApiDate | None, Query(description="First order day (YYYY-MM-DD); default today.")
    ] = None,
    end_at: Annotated[
        ApiDate | None, Query(description="Last order day (YYYY-MM-DD); default today.")
    ] = None,
    only_my_orders: Annotated[
        bool, Query(description="Only orders made with this token (resellers: always).")
    ] = False,
) -> OrdersEnvelope:
    """Orders placed on the days `start_at` to `end_at` (local days; both default to today).
    Resellers and cash points see the orders made with their own token; cash points with global
    order access and user tokens (with the `orders` permission) see every order, or only their
    own with `only_my_orders=true`. A token limited to some museums sees only orders whose items
    all lie in those museums."""
    today = now.astimezone(settings.zone).date()
    total, found = service.list_orders(
        session,
        principal,
        first=start_at or today,
        last=end_at or today,
        only_mine=only_my_orders,
        zone=settings.zone,
        offset=pagination.offset,
        limit=pagination.per_page,
    )
    api_url = _api_url(request)
    return OrdersEnvelope(
        orders=[OrderOut.build(o, service.status_of(o, now), render, api_url) for o in found],
        meta=pagination.meta(total),
    )


def _json(answer: Answer) -> Response:
    return Response(answer.body, status_code=answer.status_code, media_type="application/json")


@router.post(
    "/orders",
    status_code=201,
    response_model=OrderEnvelope,
    summary="Create an order (all items or none)",
    responses={409: KEY_IN_PROGRESS},
)
def create_order(
    body: Annotated[OrderCreate, Body(openapi_examples=ORDER_EXAMPLES)],
    request: Request,
    session: SessionDep,
    principal: Seller,
    render: RenderDep,
    now: NowDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """Prices every item, claims its capacity (tickets per time slot, seats of event
    dates) for all items or none, and answers the pending order with its `token`. Two payload
    forms: the reference form (`items` of `{type, attributes}`, optional `total`) and the newer one
    (`{"order": {"items": [...], "customer": {...}}}`). A `total` that differs from the server's
    price is refused. Finalize the order within 30 minutes, or its capacity returns. With an
    `Idempotency-Key`, a retry of the same request replays the first answer (a different request
    with the same key: 422; the first still running: 409)."""
    settings = settings_of(request)
    key = None
    if idempotency_key is not None:
        key = idempotency.Key.of(principal, idempotency_key, "POST /orders", body.model_dump_json())
        replayed = idempotency.replay(session, key, now, settings.idempotency_lifetime)
        if replayed is not None:
            return _json(replayed)
    order = service.place_order(
        session,
        principal,
        _request(body),
        pending_minutes=settings.order_pending_minutes,
        zone=settings.zone,
        now=now,
        horizon=settings.booking_horizon,
    )
    answer = Answer(201, _envelope(order, render, now, request).model_dump_json().encode())
    if key is not None:
        idempotency.remember(session, key, answer, now, settings.idempotency_lifetime)
    return _json(answer)


@router.get("/orders/barcode/{barcode}", summary="The order a barcode belongs to")
def order_by_barcode(
    barcode: BarcodeRef,
    request: Request,
    session: SessionDep,
    principal: Seller,
    render: RenderDep,
    now: NowDep,
) -> OrderEnvelope:
    """The order that a barcode (from a ticket or booking confirmation) belongs to."""
    order = service.order_by_barcode(session, principal, barcode)
    return _envelope(order, render, now, request)


@router.get("/orders/{id}", summary="Details of an order (numeric id or order token)")
def show_order(
    id: OrderRef,
    request: Request,
    session: SessionDep,
    principal: Seller,
    render: RenderDep,
    now: NowDep,
) -> OrderEnvelope:
    """An order with its items, prices, barcodes (once finalized), `payment_status` and the
    URLs of its documents (`documents`, and each item's `document`).
    `id` is the numeric id or the order token from the create answer."""
    return _envelope(service.get_order(session, principal, id), render, now, request)


@router.post(
    "/orders/{id}/finalize",
    response_model=OrderEnvelope,
    summary="Make a pending order binding; mints barcodes",
    responses={409: KEY_IN_PROGRESS},
)
def finalize_order(
    id: OrderRef,
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    principal: Seller,
    render: RenderDep,
    now: NowDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """Makes a pending order binding: mints one barcode per admitted person, marks reseller
    orders invoiced and cash point orders paid, and queues the confirmation mail. Finalizing a
    finalized order answers it unchanged (same barcodes, no second mail); an expired or cancelled
    order is refused (422). With an `Idempotency-Key`, a retry replays the first answer."""
    settings = settings_of(request)
    key = None
    if idempotency_key is not None:
        key = idempotency.Key.of(principal, idempotency_key, f"POST /orders/{id}/finalize")
        replayed = idempotency.replay(session, key, now, settings.idempotency_lifetime)
        if replayed is not None:
            return _json(replayed)
    order = service.finalize_order(session, principal, id, settings.zone, now, _issuer(settings))
    if settings.smtp_host:
        # Runs after the response, so after the commit: the mail is in the outbox for good.
        background.add_task(mail.deliver_due, request.app.state.database, settings)
    answer = Answer(200, _envelope(order, render, now, request).model_dump_json().encode())
    if key is not None:
        idempotency.remember(session, key, answer, now, settings.idempotency_lifetime)
    return _json(answer)


@router.post("/orders/{id}/cancellations", summary="Cancel single items or the whole order")
def cancel_order(
    id: OrderRef,
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    principal: Seller,
    render: RenderDep,
    now: NowDep,
    body: Annotated[CancellationIn | None, Body(openapi_examples=CANCELLATION_EXAMPLES)] = None,
) -> OrderEnvelope:
    """Without a body (or without `order_item_ids`) the whole order is cancelled;
    with `order_item_ids` only those items. Their capacity returns at once and their barcodes stop
    admitting; cancelling the last valid item cancels the order. Cancelling a finalized order's
    items issues a credit note (`documents.credit_notes`) and mails the customer. Cancelling
    again, or items of another order, is refused (422)."""
    settings = settings_of(request)
    item_ids = body.order_item_ids if body is not None else None
    order = service.cancel_order(
        session, principal, id, item_ids, now, zone=settings.zone, issuer=_issuer(settings)
    )
    if settings.smtp_host:
        # Runs after the response, so after the commit: the mail is in the outbox for good.
        background.add_task(mail.deliver_due, request.app.state.database, settings)
    return _envelope(order, render, now, request)


# --- Documents: no header auth, the order token guards them ---------------------------------------

DocumentToken = Annotated[str, Query(max_length=100, description="The order's token.")]
PDF = {"content": {"application/pdf": {}}, "description": "A PDF document"}


def _pdf(content: bytes, name: str) -> Response:
    headers = {"Content-Disposition": f'inline; filename="{name}"'}
    return Response(content, media_type="application/pdf", headers=headers)


@router.get(
    "/orders/{order_id}/tickets/{ticket_sale_id}.pdf",
    response_class=Response,
    responses={200: PDF},
    summary="The tickets of a ticket sale, one per page",
)
def ticket_pdf(
    order_id: PathId,
    ticket_sale_id: PathId,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    token: DocumentToken = "",
) -> Response:
    """The tickets of one ticket sale of a finalized order as a PDF, one page per person
    with its barcode. No Authorization header is needed: the order's `token` guards the document,
    and a wrong token, or an order that is not finalized, is a 404."""
    content = service.ticket_document(
        session, principal, order_id, ticket_sale_id, token, settings.zone
    )
    return _pdf(content, f"tickets-{order_id}-{ticket_sale_id}.pdf")


@router.get(
    "/orders/{order_id}/events/{booking_id}.pdf",
    response_class=Response,
    responses={200: PDF},
    summary="The confirmation of an event booking",
)
def booking_pdf(
    order_id: PathId,
    booking_id: PathId,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    token: DocumentToken = "",
) -> Response:
    """The confirmation of one event booking of a finalized order as a PDF, with its
    barcodes. No Authorization header is needed: the order's `token` guards the document, and a
    wrong token, or an order that is not finalized, is a 404."""
    content = service.booking_document(
        session, principal, order_id, booking_id, token, settings.zone
    )
    return _pdf(content, f"booking-{order_id}-{booking_id}.pdf")


@router.get(
    "/orders/{order_id}/invoice.pdf",
    response_class=Response,
    responses={200: PDF},
    summary="The invoice of an order, with its VAT breakdown",
)
def invoice_pdf(
    order_id: PathId,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    token: DocumentToken = "",
) -> Response:
    """The invoice issued when the order was finalized, as a PDF: issuer, recipient, number
    and date, items, net, VAT per rate and gross. It never changes: later cancellations issue
    credit notes instead. The order's `token`, or a bearer token that may read the order, gives
    access; otherwise, or for an order never finalized, 404."""
    content = service.invoice_document(session, principal, order_id, token)
    return _pdf(content, f"invoice-{order_id}.pdf")


@router.get(
    "/orders/{order_id}/credit_notes/{number}.pdf",
    response_class=Response,
    responses={200: PDF},
    summary="A credit note (Stornorechnung) of an order",
)
def credit_note_pdf(
    order_id: PathId,
    number: PathId,
    session: SessionDep,
    principal: PrincipalDep,
    token: DocumentToken = "",
) -> Response:
    """Credit note `number` (1, 2, ...: one per cancellation after finalize) as a PDF: it names
    the invoice it corrects and takes the cancelled items back. The order's `token`, or a bearer
    token that may read the order, gives access; an order without such a cancellation is 404."""
    content = service.credit_note_document(session, principal, order_id, number, token)
    return _pdf(content, f"credit-note-{order_id}-{number}.pdf")
