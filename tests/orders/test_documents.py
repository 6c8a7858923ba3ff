"""PDF documents: tickets, booking confirmations, invoices; guarded by the order token.
End to end: browse a date, order seats, finalize, fetch the PDF, look up by barcode, cancel."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from museion.catalogue.museums.models import Museum
from museion.demo.loader import DemoInstance
from tests.availability.factories import make_quota, make_ticket
from tests.catalogue.factories import make_date, make_event
from tests.conftest import bearer
from tests.orders.conftest import Clock
from tests.orders.factories import event_item, order_body, ticket_item
from tests.orders.pdfs import pdf_pages

SLOT = "2027-01-01T10:30:00+01:00"
URL = "/api/v4/orders"
RESELLER = bearer("demo-reseller")


def finalize(client: TestClient, *items: dict[str, Any]) -> dict[str, Any]:
    created = client.post(URL, json=order_body(*items), headers=RESELLER).json()["order"]
    response = client.post(f"{URL}/{created['token']}/finalize", headers=RESELLER)
    assert response.status_code == 200, response.text
    return dict(response.json()["order"])


def test_ticket_pdfs_have_one_page_per_barcode(
    client: TestClient, session: Session, clock: Clock
) -> None:
    title = "Führung „Größe“ – 12 € extra"
    ticket = make_ticket(session, quotas=[make_quota(session, 10)], title={"de": title})
    order = finalize(client, ticket_item(ticket.id, 2, SLOT))
    item = order["items"][0]["attributes"]
    url = f"{URL}/{order['id']}/tickets/{item['id']}.pdf"
    response = client.get(url, params={"token": order["token"]})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert len(pages) == 2
    codes = [barcode["barcode"] for barcode in item["barcodes"]]
    for page, code, other in zip(pages, codes, reversed(codes), strict=True):
        assert title in page
        assert "01.01.2027 10:30" in page
        assert code in page
        assert other not in page
    assert client.get(url, params={"token": "wrong"}).status_code == 404
    assert client.get(url).status_code == 404
    assert (
        client.get(
            f"{URL}/{order['id']}/tickets/999999.pdf", params={"token": order["token"]}
        ).status_code
        == 404
    )


def test_pending_orders_have_no_documents(
    client: TestClient, session: Session, clock: Clock
) -> None:
    ticket = make_ticket(session, quotas=[make_quota(session, 10)])
    order = client.post(
        URL, json=order_body(ticket_item(ticket.id, 1, SLOT)), headers=RESELLER
    ).json()["order"]
    url = f"{URL}/{order['id']}/invoice.pdf"
    assert order["invoice"] is False
    assert client.get(url, params={"token": order["token"]}).status_code == 404


def test_the_invoice_breaks_down_vat(client: TestClient, session: Session, clock: Clock) -> None:
    seven = make_ticket(session, quotas=[make_quota(session, 10)], price_cents=1070, vat_pct=7.0)
    nineteen = make_ticket(
        session, quotas=[make_quota(session, 10)], price_cents=1190, vat_pct=19.0
    )
    order = finalize(client, ticket_item(seven.id, 1, SLOT), ticket_item(nineteen.id, 2, SLOT))
    assert order["invoice"] is True
    response = client.get(f"{URL}/{order['id']}/invoice.pdf", params={"token": order["token"]})
    assert response.status_code == 200
    [text] = pdf_pages(response.content)
    assert "VAT 7 %: netto 10,00 EUR, MwSt. 0,70 EUR" in text
    assert "VAT 19 %: netto 20,00 EUR, MwSt. 3,80 EUR" in text
    assert "Gesamt / Total: 34,50 EUR" in text


def test_end_to_end_browse_order_finalize_document_lookup_cancel(
    client: TestClient, session: Session, demo: DemoInstance
) -> None:
    museum = session.get(Museum, demo.museum_ids["kunsthalle"])
    event_date = make_date(
        session, make_event(session, museum, title={"de": "Kuratorenführung"}), seats_max=6
    )
    date_url = f"/api/v4/events/{event_date.event_id}/dates/{event_date.id}"
    browsed = client.get(date_url).json()["date"]
    assert (browsed["bookable"], browsed["seats"]["available"]) == (True, 6)
    order = finalize(client, event_item(event_date.id, 2), event_item(event_date.id, 1))
    assert client.get(date_url).json()["date"]["seats"]["available"] == 3
    first = order["items"][0]["attributes"]
    pdf = client.get(
        f"{URL}/{order['id']}/events/{first['id']}.pdf", params={"token": order["token"]}
    )
    assert pdf.status_code == 200
    [text] = pdf_pages(pdf.content)
    assert "Buchungsbestätigung" in text
    assert "Kuratorenführung" in text
    codes = [b["barcode"] for b in first["barcodes"]]
    assert len(codes) == 2
    assert all(code in text for code in codes)
    found = client.get(f"{URL}/barcode/{codes[0]}", headers=RESELLER)
    assert found.json()["order"]["id"] == order["id"]
    cancelled = client.post(
        f"{URL}/{order['id']}/cancellations",
        json={"order_item_ids": [order["items"][0]["id"]]},
        headers=RESELLER,
    )
    assert cancelled.status_code == 200
    assert client.get(date_url).json()["date"]["seats"]["available"] == 5


@pytest.mark.parametrize("path", ["tickets/1.pdf", "events/1.pdf", "invoice.pdf"])
def test_documents_of_unknown_orders_are_not_found(client: TestClient, path: str) -> None:
    assert client.get(f"{URL}/999999/{path}", params={"token": "x"}).status_code == 404
    assert client.get(f"{URL}/abc/{path}").status_code == 404
