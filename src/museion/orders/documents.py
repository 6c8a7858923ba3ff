"""The documents of a finalized order: tickets (one page per barcode), event booking
confirmations and the invoice with its VAT breakdown (go~mus page-reseller_api.md, Documents)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from museion.orders.models import Barcode, Order, OrderItem
from museion.orders.pdf import Document


def _title(value: dict[str, str | None]) -> str:
    return next((text for text in value.values() if text), "")


def _euros(cents: int) -> str:
    return f"{cents / 100:.2f} EUR".replace(".", ",")


def _place(item: OrderItem) -> str:
    """Where to go: the museum of a ticket, the venue of a date."""
    location = None
    museum_title = ""
    if item.ticket is not None and item.ticket.museums:
        museum = item.ticket.museums[0]
        location, museum_title = museum.location, _title(museum.title)
    elif item.event_date is not None:
        location = item.event_date.effective_location
    if location is None:
        return museum_title
    parts = [
        location.name or museum_title,
        location.street,
        f"{location.zip or ''} {location.city or ''}",
    ]
    return ", ".join(p.strip() for p in parts if p and p.strip())


def _when(item: OrderItem, zone: ZoneInfo) -> str:
    return item.start_at.astimezone(zone).strftime("%d.%m.%Y %H:%M")


def _ticket_page(
    document: Document, order: Order, item: OrderItem, barcode: Barcode, number: int, zone: ZoneInfo
) -> None:
    unit = item.price_cents // item.quantity if item.quantity else item.price_cents
    document.line(_title(item.title), size=18, bold=True)
    document.line(f"Einlass / Entry: {_when(item, zone)}")
    for sub_ticket, at in sorted((item.sub_ticket_times or {}).items(), key=lambda x: x[1]):
        when = datetime.fromisoformat(at).astimezone(zone).strftime("%d.%m.%Y %H:%M")
        document.line(f"  Teilticket / Sub ticket {sub_ticket}: {when}")
    document.line(_place(item))
    document.line(f"Preis / Price: {_euros(unit)}")
    document.line(f"Ticket {number} / {len(item.barcodes)} – Bestellung / Order {order.id}")
    if barcode.invalidated_at is not None:
        document.line("STORNIERT / CANCELLED", bold=True)
    document.gap(24)
    document.barcode(barcode.code)


def ticket_pdf(order: Order, item: OrderItem, zone: ZoneInfo) -> bytes:
    """One ticket per page: title, entry time, place, price per person, the barcode."""
    document = Document(f"Tickets {order.id}: {_title(item.title)}")
    for number, barcode in enumerate(item.barcodes, start=1):
        _ticket_page(document, order, item, barcode, number, zone)
        document.next_page()
    return document.render()


def booking_pdf(order: Order, item: OrderItem, zone: ZoneInfo) -> bytes:
    """The booking confirmation of an event date, with one barcode per person."""
    document = Document(f"Buchungsbestätigung {order.id}: {_title(item.title)}")
    document.line("Buchungsbestätigung / Booking confirmation", size=16, bold=True)
    document.gap()
    document.line(_title(item.title), size=14, bold=True)
    document.line(f"Termin / Date: {_when(item, zone)}")
    document.line(_place(item))
    document.line(f"Personen / Persons: {item.quantity}")
    document.line(f"Preis / Price: {_euros(item.price_cents)}")
    document.line(f"Bestellung / Order {order.id}")
    if item.cancelled_at is not None:
        document.line("STORNIERT / CANCELLED", bold=True)
    for barcode in item.barcodes:
        document.gap(16)
        document.barcode(barcode.code, height=40)
    return document.render()


def _vat_of(item: OrderItem) -> tuple[int, int]:
    """(net, VAT) in cents of an item's price, whether the VAT is included or added."""
    rate = item.vat_pct
    if item.tax_included:
        vat = round(item.price_cents * rate / (100 + rate))
        return item.price_cents - vat, vat
    return item.price_cents, round(item.price_cents * rate / 100)


def invoice_pdf(order: Order, zone: ZoneInfo) -> bytes:
    """Items with their prices, then net, VAT and gross per VAT rate, and the total."""
    document = Document(f"Rechnung {order.id}")
    document.line("Rechnung / Invoice", size=18, bold=True)
    document.line(f"Bestellung / Order {order.id} vom {order.created_at.astimezone(zone):%d.%m.%Y}")
    document.gap()
    by_rate: dict[float, list[int]] = defaultdict(lambda: [0, 0])
    for item in order.items:
        if item.cancelled_at is not None:
            continue
        document.line(f"{item.quantity} x {_title(item.title)}, {_when(item, zone)}")
        document.line(f"    {_euros(item.price_cents)}  (MwSt. / VAT {item.vat_pct:g} %)")
        net, vat = _vat_of(item)
        by_rate[item.vat_pct][0] += net
        by_rate[item.vat_pct][1] += vat
    document.gap()
    for rate, (net, vat) in sorted(by_rate.items()):
        document.line(f"MwSt. / VAT {rate:g} %: netto {_euros(net)}, MwSt. {_euros(vat)}")
    gross = sum(net + vat for net, vat in by_rate.values())
    document.gap()
    document.line(f"Gesamt / Total: {_euros(gross)}", size=13, bold=True)
    return document.render()
