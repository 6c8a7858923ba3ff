"""The documents of a finalized order: tickets (one page per barcode), event booking
confirmations and the invoice with its VAT breakdown (go~mus page-reseller_api.md, Documents)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from museion.orders.models import Order, OrderItem
from museion.orders.pdf import Page, render


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


def ticket_pdf(order: Order, item: OrderItem, zone: ZoneInfo) -> bytes:
    """One ticket per page: title, entry time, place, price per person, the barcode."""
    pages = []
    unit = item.price_cents // item.quantity if item.quantity else item.price_cents
    for number, barcode in enumerate(item.barcodes, start=1):
        page = Page()
        page.line(_title(item.title), size=18, bold=True)
        page.line(f"Einlass / Entry: {_when(item, zone)}")
        for sub_ticket, at in sorted((item.sub_ticket_times or {}).items(), key=lambda x: x[1]):
            when = datetime.fromisoformat(at).astimezone(zone).strftime("%d.%m.%Y %H:%M")
            page.line(f"  Teilticket / Sub ticket {sub_ticket}: {when}")
        page.line(_place(item))
        page.line(f"Preis / Price: {_euros(unit)}")
        page.line(f"Ticket {number} / {len(item.barcodes)} - Bestellung / Order {order.id}")
        if barcode.invalidated_at is not None:
            page.line("STORNIERT / CANCELLED", bold=True)
        page.gap(24)
        page.barcode(barcode.code)
        pages.append(page)
    return render(pages)


def booking_pdf(order: Order, item: OrderItem, zone: ZoneInfo) -> bytes:
    """The booking confirmation of an event date, with one barcode per person."""
    page = Page()
    page.line("Buchungsbestaetigung / Booking confirmation", size=16, bold=True)
    page.gap()
    page.line(_title(item.title), size=14, bold=True)
    page.line(f"Termin / Date: {_when(item, zone)}")
    page.line(_place(item))
    page.line(f"Personen / Persons: {item.quantity}")
    page.line(f"Preis / Price: {_euros(item.price_cents)}")
    page.line(f"Bestellung / Order {order.id}")
    if item.cancelled_at is not None:
        page.line("STORNIERT / CANCELLED", bold=True)
    pages = [page]
    for barcode in item.barcodes:
        if page.cursor < 160:
            page = Page()
            pages.append(page)
        page.gap(16)
        page.barcode(barcode.code, height=40)
    return render(pages)


def _vat_of(item: OrderItem) -> tuple[int, int]:
    """(net, VAT) in cents of an item's price, whether the VAT is included or added."""
    rate = item.vat_pct
    if item.tax_included:
        vat = round(item.price_cents * rate / (100 + rate))
        return item.price_cents - vat, vat
    return item.price_cents, round(item.price_cents * rate / 100)


def invoice_pdf(order: Order, zone: ZoneInfo) -> bytes:
    """Items with their prices, then net, VAT and gross per VAT rate, and the total."""
    page = Page()
    page.line("Rechnung / Invoice", size=18, bold=True)
    page.line(f"Bestellung / Order {order.id} vom {order.created_at.astimezone(zone):%d.%m.%Y}")
    page.gap()
    by_rate: dict[float, list[int]] = defaultdict(lambda: [0, 0])
    for item in order.items:
        if item.cancelled_at is not None:
            continue
        page.line(f"{item.quantity} x {_title(item.title)}, {_when(item, zone)}")
        page.line(f"    {_euros(item.price_cents)}  (MwSt. / VAT {item.vat_pct:g} %)")
        net, vat = _vat_of(item)
        by_rate[item.vat_pct][0] += net
        by_rate[item.vat_pct][1] += vat
    page.gap()
    for rate, (net, vat) in sorted(by_rate.items()):
        page.line(f"MwSt. / VAT {rate:g} %: netto {_euros(net)}, MwSt. {_euros(vat)}")
    gross = sum(net + vat for net, vat in by_rate.values())
    page.gap()
    page.line(f"Gesamt / Total: {_euros(gross)}", size=13, bold=True)
    return render([page])
