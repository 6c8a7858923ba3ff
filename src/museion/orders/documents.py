"""The documents of an order: tickets (one page per barcode), event booking confirmations, and
its invoice and credit notes (go~mus page-reseller_api.md, Documents). Tickets and
confirmations print the order's one read model (ShownOrder) as it is now; invoices and credit
notes print the content fixed when they were issued (orders.invoices), so they never change."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from museion.orders.invoices import title_of
from museion.orders.models import DocumentKind, ShownBarcode, ShownItem, ShownOrder
from museion.orders.pdf import Document


def _euros(cents: int) -> str:
    return f"{cents / 100:.2f} EUR".replace(".", ",")


def _place(item: ShownItem) -> str:
    """Where to go: the museum of a ticket, the venue of a date."""
    location = item.location
    if location is None:
        return ""
    parts = [location.name, location.street, f"{location.zip or ''} {location.city or ''}"]
    return ", ".join(p.strip() for p in parts if p and p.strip())


def _when(item: ShownItem, zone: ZoneInfo) -> str:
    return item.start_at.astimezone(zone).strftime("%d.%m.%Y %H:%M")


def _ticket_page(
    document: Document,
    order: ShownOrder,
    item: ShownItem,
    barcode: ShownBarcode,
    number: int,
    zone: ZoneInfo,
) -> None:
    unit = item.price_cents // item.quantity if item.quantity else item.price_cents
    document.line(title_of(item.title), size=18, bold=True)
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


def ticket_pdf(order: ShownOrder, item: ShownItem, zone: ZoneInfo) -> bytes:
    """One ticket per page: title, entry time, place, price per person, the barcode."""
    document = Document(f"Tickets {order.id}: {title_of(item.title)}")
    for number, barcode in enumerate(item.barcodes, start=1):
        _ticket_page(document, order, item, barcode, number, zone)
        document.next_page()
    return document.render()


def booking_pdf(order: ShownOrder, item: ShownItem, zone: ZoneInfo) -> bytes:
    """The booking confirmation of an event date, with one barcode per person."""
    document = Document(f"Buchungsbestätigung {order.id}: {title_of(item.title)}")
    document.line("Buchungsbestätigung / Booking confirmation", size=16, bold=True)
    document.gap()
    document.line(title_of(item.title), size=14, bold=True)
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


def invoice_pdf(content: dict[str, Any]) -> bytes:
    """An issued invoice or credit note, from its stored content alone: issuer, recipient,
    number and date, the items, then net, VAT and gross per VAT rate, and the totals."""
    credit = content["kind"] == DocumentKind.CREDIT_NOTE.value
    heading = "Stornorechnung / Credit note" if credit else "Rechnung / Invoice"
    document = Document(f"{heading.split(' /')[0]} {content['number']}")
    issuer = content["issuer"]
    document.line(issuer["name"], bold=True)
    for line in issuer["address"]:
        document.line(line, size=9)
    document.line(f"Steuernummer / Tax number: {issuer['tax_number']}", size=9)
    document.gap()
    for line in content["recipient"]:
        document.line(line)
    document.gap()
    document.line(heading, size=18, bold=True)
    document.line(f"Nummer / Number: {content['number']}")
    document.line(f"Datum / Date: {content['issued_on']}")
    if credit:
        document.line(f"Zur Rechnung / Corrects invoice: {content['invoice_number']}")
    document.line(f"Bestellung / Order {content['order_id']} vom {content['order_date']}")
    document.gap()
    for line in content["lines"]:
        document.line(f"{line['quantity']} x {line['title']}, {line['when']}")
        document.line(f"    {_euros(line['gross_cents'])}  (MwSt. / VAT {line['vat_pct']:g} %)")
    document.gap()
    for rate in content["rates"]:
        document.line(
            f"MwSt. / VAT {rate['vat_pct']:g} %: netto {_euros(rate['net_cents'])}, "
            f"MwSt. {_euros(rate['vat_cents'])}, brutto {_euros(rate['gross_cents'])}"
        )
    document.gap()
    document.line(f"Netto / Net: {_euros(content['net_cents'])}")
    document.line(f"MwSt. / VAT: {_euros(content['vat_cents'])}")
    document.line(f"Gesamt / Total: {_euros(content['gross_cents'])}", size=13, bold=True)
    return document.render()
