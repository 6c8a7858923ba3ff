"""What an invoice and a credit note (Stornorechnung) say, fixed when they are issued.

German invoices (UStG § 14 (4)) carry the issuer's name, address and tax number, a unique number
from a gap-free series, the issue date, the recipient, the items with quantity, date and price,
and net, VAT and gross per rate. The content is built here once, as plain JSON values, and
stored with the number (table `invoice`); the PDF is printed from it alone (orders.documents), so
an issued invoice reads the same however the order changes later. A cancellation after
finalize does not touch the invoice: it issues a credit note that names the invoice and
subtracts the cancelled items.

Numbers: invoices `2026-000001`, credit notes `ST-2026-000001`, each series counted per
calendar year (of the instance's zone) without gaps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from museion.orders.models import DocumentKind, ShownItem, ShownOrder

PREFIXES = {DocumentKind.INVOICE: "", DocumentKind.CREDIT_NOTE: "ST-"}
# Free-form customer fields that name a recipient, in print order (first match per line).
_RECIPIENT_LINES = (
    ("company",),
    ("name", "full_name"),
    ("street",),
    ("zip_city",),
    ("country",),
)


@dataclass(frozen=True)
class Issuer:
    """The museum as it appears on its invoices (Settings.issuer_*)."""

    name: str
    address: str  # commas separate lines
    tax_number: str


def series_prefix(kind: DocumentKind, year: int) -> str:
    """What every number of a kind's series in a year starts with ("2026-", "ST-2026-"); the
    sequence follows, at least six digits (orders.queries.issue)."""
    return f"{PREFIXES[kind]}{year}-"


def title_of(value: Mapping[str, str | None]) -> str:
    return next((text for text in value.values() if text), "")


def _net_and_vat(item: ShownItem) -> tuple[int, int, int]:
    """(net, VAT, gross) in cents of an item's price, whether the VAT is included or added."""
    rate = item.vat_pct
    if item.tax_included:
        vat = round(item.price_cents * rate / (100 + rate))
        return item.price_cents - vat, vat, item.price_cents
    vat = round(item.price_cents * rate / 100)
    return item.price_cents, vat, item.price_cents + vat


def _recipient(customer: Mapping[str, Any] | None) -> list[str]:
    """The buyer's name and address lines, as far as the seller told them."""
    if not customer:
        return []
    found = {k: v.strip() for k, v in customer.items() if isinstance(v, str) and v.strip()}
    first = found.get("first_name") or found.get("firstname") or found.get("name_first")
    last = found.get("last_name") or found.get("lastname") or found.get("surname")
    if first or last:
        found.setdefault("name", " ".join(p for p in (first, last) if p))
    place = " ".join(p for p in (found.get("zip"), found.get("city")) if p)
    if place:
        found["zip_city"] = place
    lines = [next((found[k] for k in keys if k in found), "") for keys in _RECIPIENT_LINES]
    lines = [line for line in lines if line]
    if "email" in found:
        lines.append(found["email"])
    return lines


def _lines(items: Iterable[ShownItem], zone: ZoneInfo, sign: int) -> list[dict[str, Any]]:
    lines = []
    for item in items:
        net, vat, gross = _net_and_vat(item)
        lines.append(
            {
                "item_id": item.id,
                "quantity": item.quantity,
                "title": title_of(item.title),
                "when": item.start_at.astimezone(zone).strftime("%d.%m.%Y %H:%M"),
                "vat_pct": item.vat_pct,
                "net_cents": sign * net,
                "vat_cents": sign * vat,
                "gross_cents": sign * gross,
            }
        )
    return lines


def _totals(lines: list[dict[str, Any]]) -> dict[str, Any]:
    by_rate: dict[float, list[int]] = defaultdict(lambda: [0, 0, 0])
    for line in lines:
        sums = by_rate[line["vat_pct"]]
        sums[0] += line["net_cents"]
        sums[1] += line["vat_cents"]
        sums[2] += line["gross_cents"]
    rates = [
        {"vat_pct": rate, "net_cents": net, "vat_cents": vat, "gross_cents": gross}
        for rate, (net, vat, gross) in sorted(by_rate.items())
    ]
    return {
        "rates": rates,
        "net_cents": sum(r["net_cents"] for r in rates),
        "vat_cents": sum(r["vat_cents"] for r in rates),
        "gross_cents": sum(r["gross_cents"] for r in rates),
    }


def _content(
    kind: DocumentKind,
    order: ShownOrder,
    issuer: Issuer,
    lines: list[dict[str, Any]],
    issued_at: datetime,
    zone: ZoneInfo,
) -> dict[str, Any]:
    return {
        "kind": kind.value,
        "issued_on": issued_at.astimezone(zone).strftime("%d.%m.%Y"),
        "order_id": order.id,
        "order_date": order.created_at.astimezone(zone).strftime("%d.%m.%Y"),
        "issuer": {
            "name": issuer.name,
            "address": [part.strip() for part in issuer.address.split(",") if part.strip()],
            "tax_number": issuer.tax_number,
        },
        "recipient": _recipient(order.customer),
        "lines": lines,
        **_totals(lines),
    }


def invoice_content(
    order: ShownOrder, issuer: Issuer, issued_at: datetime, zone: ZoneInfo
) -> dict[str, Any]:
    """The invoice of a just finalized order: every item that is valid at that moment. Its
    number is taken as it is stored and kept beside the content (orders.queries.issue)."""
    live = [item for item in order.items if item.cancelled_at is None]
    lines = _lines(live, zone, 1)
    return _content(DocumentKind.INVOICE, order, issuer, lines, issued_at, zone)


def credit_note_content(
    order: ShownOrder,
    issuer: Issuer,
    invoice_number: str,
    cancelled: Iterable[ShownItem],
    issued_at: datetime,
    zone: ZoneInfo,
) -> dict[str, Any]:
    """The credit note of a cancellation: the cancelled items with negative amounts, naming the
    invoice it corrects."""
    lines = _lines(cancelled, zone, -1)
    content = _content(DocumentKind.CREDIT_NOTE, order, issuer, lines, issued_at, zone)
    return content | {"invoice_number": invoice_number}
