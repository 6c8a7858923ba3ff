"""Orders stay true after a cancellation: the order follows its items, an issued invoice never
changes (gap-free number, immutable content), cancellations after finalize issue credit notes,
and the order answer links every document it has."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from museion.catalogue.tickets.models import Ticket
from museion.orders import queries
from museion.orders.models import DocumentCounter, DocumentKind
from tests.availability.factories import make_quota, make_ticket
from tests.conftest import bearer
from tests.orders.conftest import Clock
from tests.orders.factories import make_token, order_body, ticket_item
from tests.orders.pdfs import pdf_pages

SLOT = "2027-01-01T10:30:00+01:00"
URL = "/api/v4/orders"
RESELLER = bearer("demo-reseller")
INVOICED = 20
INVOICE_NUMBER = re.compile(r"Nummer / Number: (\d{4}-\d{6})")
CREDIT_NUMBER = re.compile(r"Nummer / Number: (ST-\d{4}-\d{6})")


@pytest.fixture
def tickets(session: Session) -> tuple[Ticket, Ticket]:
    seven = make_ticket(
        session, quotas=[make_quota(session, 10)], price_cents=1070, vat_pct=7.0, title={"de": "A"}
    )
    nineteen = make_ticket(
        session, quotas=[make_quota(session, 10)], price_cents=1190, vat_pct=19.0, title={"de": "B"}
    )
    return seven, nineteen


def _finalized(
    client: TestClient, *items: dict[str, Any], headers: dict[str, str] = RESELLER, **extra: Any
) -> dict[str, Any]:
    created = client.post(URL, json=order_body(*items, **extra), headers=headers)
    assert created.status_code == 201, created.text
    response = client.post(f"{URL}/{created.json()['order']['token']}/finalize", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json()["order"])


def _cancel(
    client: TestClient, order: dict[str, Any], *item_ids: int, headers: dict[str, str] = RESELLER
) -> Any:
    body = {"order_item_ids": list(item_ids)} if item_ids else None
    return client.post(f"{URL}/{order['id']}/cancellations", json=body, headers=headers)


def _show(client: TestClient, order: dict[str, Any]) -> dict[str, Any]:
    response = client.get(f"{URL}/{order['id']}", headers=RESELLER)
    assert response.status_code == 200, response.text
    return dict(response.json()["order"])


def test_cancelling_every_item_one_by_one_cancels_the_order(
    client: TestClient, tickets: tuple[Ticket, Ticket], clock: Clock
) -> None:
    seven, nineteen = tickets
    order = _finalized(client, ticket_item(seven.id, 1, SLOT), ticket_item(nineteen.id, 2, SLOT))
    first, second = (item["id"] for item in order["items"])
    after_one = _cancel(client, order, first)
    assert after_one.status_code == 200, after_one.text
    shown = after_one.json()["order"]
    assert (shown["status"], shown["is_valid"]) == ("finalized", True)
    assert shown["total_price_cents"] == 2380
    after_all = _cancel(client, order, second).json()["order"]
    assert (after_all["status"], after_all["is_valid"]) == ("cancelled", False)
    assert after_all["total_price_cents"] == 0
    # The money side does not move by itself: the order was invoiced, and the credit notes say
    # what is owed back (README: payment_status of cancelled orders).
    assert after_all["payment_status"] == INVOICED
    assert after_all["invoice"] is True
    assert len(after_all["documents"]["credit_notes"]) == 2
    assert _show(client, order) == after_all
    # Nothing left to cancel, and the order's tickets no longer admit anyone.
    assert _cancel(client, order).status_code == 422
    barcodes = [b for item in after_all["items"] for b in item["attributes"]["barcodes"]]
    assert barcodes
    assert not any(b["valid"] for b in barcodes)


def test_the_invoice_stays_the_same_and_a_cancellation_issues_a_credit_note(
    client: TestClient, tickets: tuple[Ticket, Ticket], clock: Clock
) -> None:
    seven, nineteen = tickets
    customer = {"email": "eva@example.com", "first_name": "Eva", "last_name": "Muster"}
    order = _finalized(
        client,
        ticket_item(seven.id, 1, SLOT),
        ticket_item(nineteen.id, 2, SLOT),
        customer=customer,
    )
    invoice_url = order["documents"]["invoice"]
    assert invoice_url.startswith("http")
    assert f"token={order['token']}" in invoice_url
    assert order["documents"]["credit_notes"] == []
    before = client.get(invoice_url)
    assert before.status_code == 200, before.text
    [text] = pdf_pages(before.content)
    for printed in (
        "Rechnung / Invoice",
        "Museion Demo-Museum gGmbH",  # the issuer (Settings.issuer_*)
        "Museumsinsel 1",
        "Steuernummer / Tax number: DE000000000",
        "Eva Muster",  # the recipient
        "Datum / Date: ",
        "VAT 7 %: netto 10,00 EUR, MwSt. 0,70 EUR, brutto 10,70 EUR",
        "VAT 19 %: netto 20,00 EUR, MwSt. 3,80 EUR, brutto 23,80 EUR",
        "Netto / Net: 30,00 EUR",
        "MwSt. / VAT: 4,50 EUR",
        "Gesamt / Total: 34,50 EUR",
    ):
        assert printed in text, printed
    match = INVOICE_NUMBER.search(text)
    assert match is not None, text
    invoice_number = match.group(1)

    cancelled = _cancel(client, order, order["items"][1]["id"]).json()["order"]
    assert client.get(invoice_url).content == before.content  # byte for byte
    [credit_url] = cancelled["documents"]["credit_notes"]
    assert credit_url == invoice_url.replace("invoice.pdf", "credit_notes/1.pdf")
    credit = client.get(credit_url)
    assert credit.status_code == 200, credit.text
    assert credit.headers["content-type"] == "application/pdf"
    [credit_text] = pdf_pages(credit.content)
    assert "Stornorechnung / Credit note" in credit_text
    assert f"Zur Rechnung / Corrects invoice: {invoice_number}" in credit_text
    assert "2 x B" in credit_text
    assert "1 x A" not in credit_text
    assert "Gesamt / Total: -23,80 EUR" in credit_text
    assert CREDIT_NUMBER.search(credit_text) is not None
    # The rest of the order later: a second credit note; the invoice is still the same.
    last = _cancel(client, order).json()["order"]
    assert last["documents"]["credit_notes"][0] == credit_url
    assert len(last["documents"]["credit_notes"]) == 2
    [second_text] = pdf_pages(client.get(last["documents"]["credit_notes"][1]).content)
    assert "Gesamt / Total: -10,70 EUR" in second_text
    assert client.get(invoice_url).content == before.content
    assert client.get(credit_url).content == credit.content


def test_invoice_numbers_follow_each_other_without_gaps(
    client: TestClient, session: Session, tickets: tuple[Ticket, Ticket], clock: Clock
) -> None:
    seven, _ = tickets
    numbers = []
    for _ in range(3):
        order = _finalized(client, ticket_item(seven.id, 1, SLOT))
        [text] = pdf_pages(client.get(order["documents"]["invoice"]).content)
        match = INVOICE_NUMBER.search(text)
        assert match is not None
        numbers.append(match.group(1))
    year, first = numbers[0].split("-")
    assert numbers == [f"{year}-{int(first) + i:06d}" for i in range(3)]


def test_numbers_past_a_million_get_a_seventh_digit(
    client: TestClient, session: Session, tickets: tuple[Ticket, Ticket], clock: Clock
) -> None:
    """PostgreSQL builds the number in SQL, SQLite in Python: both pad to six digits only."""
    seven, _ = tickets
    order = _finalized(client, ticket_item(seven.id, 1, SLOT))
    session.execute(
        update(DocumentCounter).where(DocumentCounter.series == "invoice").values(last=999_999)
    )
    session.flush()
    order = _finalized(client, ticket_item(seven.id, 1, SLOT))
    [text] = pdf_pages(client.get(order["documents"]["invoice"]).content)
    assert re.search(r"Nummer / Number: \d{4}-1000000\b", text), text


def test_a_number_taken_by_a_rolled_back_transaction_is_taken_again(session: Session) -> None:
    taken = session.begin_nested()
    first = queries.next_number(session, DocumentKind.INVOICE, 2031)
    taken.rollback()
    assert queries.next_number(session, DocumentKind.INVOICE, 2031) == first
    assert queries.next_number(session, DocumentKind.INVOICE, 2031) == first + 1
    assert queries.next_number(session, DocumentKind.CREDIT_NOTE, 2031) == 1  # its own series


def test_document_links_work_as_given_and_follow_the_order(
    client: TestClient, tickets: tuple[Ticket, Ticket], clock: Clock
) -> None:
    seven, _ = tickets
    created = client.post(
        URL, json=order_body(ticket_item(seven.id, 2, SLOT)), headers=RESELLER
    ).json()["order"]
    assert created["documents"] == {
        "invoice": None,
        "credit_notes": [],
        "tickets": [],
        "bookings": [],
    }
    assert created["items"][0]["document"] is None  # a draft has no documents yet
    order = _finalized(client, ticket_item(seven.id, 2, SLOT))
    [item] = order["items"]
    assert order["documents"]["tickets"] == [item["document"]]
    assert item["document"].endswith(
        f"/api/v4/orders/{order['id']}/tickets/{item['attributes']['id']}.pdf"
        f"?token={order['token']}"
    )
    assert len(pdf_pages(client.get(item["document"]).content)) == 2
    listed = client.get(URL, headers=RESELLER).json()["orders"]
    assert next(o for o in listed if o["id"] == order["id"])["documents"] == order["documents"]


def test_the_seller_token_fetches_documents_without_the_order_token(
    client: TestClient, session: Session, tickets: tuple[Ticket, Ticket], clock: Clock
) -> None:
    seven, _ = tickets
    order = _finalized(client, ticket_item(seven.id, 1, SLOT))
    sale = order["items"][0]["attributes"]["id"]
    other = bearer(make_token(session, "reseller"))
    for path in (f"tickets/{sale}.pdf", "invoice.pdf"):
        url = f"{URL}/{order['id']}/{path}"
        assert client.get(url, headers=RESELLER).status_code == 200, path
        assert client.get(url, headers=bearer("demo-user")).status_code == 200, path  # sees all
        assert client.get(url, headers=other).status_code == 404, path
        assert client.get(url).status_code == 404, path
        assert client.get(url, params={"token": order["token"]}, headers=other).status_code == 200


def test_cancelling_an_already_cancelled_item_is_refused(
    client: TestClient, tickets: tuple[Ticket, Ticket], clock: Clock
) -> None:
    seven, nineteen = tickets
    order = _finalized(client, ticket_item(seven.id, 1, SLOT), ticket_item(nineteen.id, 1, SLOT))
    first, second = (item["id"] for item in order["items"])
    assert _cancel(client, order, first).status_code == 200
    again = _cancel(client, order, first, second)
    assert again.status_code == 422
    assert again.json() == {"error": f"order item {first} is already cancelled"}
    # Refused as a whole: the other item is still valid, and no second credit note was issued.
    shown = _show(client, order)
    assert [item["cancelled"] for item in shown["items"]] == [True, False]
    assert len(shown["documents"]["credit_notes"]) == 1


def test_cancelling_an_item_of_another_resellers_order_is_not_found(
    client: TestClient, session: Session, tickets: tuple[Ticket, Ticket], clock: Clock
) -> None:
    seven, _ = tickets
    order = _finalized(client, ticket_item(seven.id, 1, SLOT))
    other = bearer(make_token(session, "reseller"))
    refused = _cancel(client, order, order["items"][0]["id"], headers=other)
    assert refused.status_code == 404
    assert refused.json() == {"error": "order not found"}
    assert _show(client, order)["items"][0]["cancelled"] is False


def test_an_order_never_finalized_has_no_invoice(
    client: TestClient, tickets: tuple[Ticket, Ticket], clock: Clock
) -> None:
    seven, _ = tickets
    order = client.post(
        URL, json=order_body(ticket_item(seven.id, 1, SLOT)), headers=RESELLER
    ).json()["order"]
    url = f"{URL}/{order['id']}/invoice.pdf"
    response = client.get(url, params={"token": order["token"]})
    assert response.status_code == 404
    assert response.json() == {"error": "no invoice: the order was never finalized"}
    # Cancelled as a draft: still no invoice, and no credit note either.
    assert _cancel(client, order).status_code == 200
    assert client.get(url, params={"token": order["token"]}).status_code == 404
    credit = client.get(f"{URL}/{order['id']}/credit_notes/1.pdf", params={"token": order["token"]})
    assert credit.status_code == 404


def test_an_order_without_a_cancellation_has_no_credit_note(
    client: TestClient, tickets: tuple[Ticket, Ticket], clock: Clock
) -> None:
    seven, _ = tickets
    order = _finalized(client, ticket_item(seven.id, 1, SLOT))
    response = client.get(
        f"{URL}/{order['id']}/credit_notes/1.pdf", params={"token": order["token"]}
    )
    assert response.status_code == 404
    assert response.json() == {"error": "no credit note 1: no such cancellation after finalize"}
    # A wrong token learns nothing, not even why.
    wrong = client.get(f"{URL}/{order['id']}/credit_notes/1.pdf", params={"token": "nope"})
    assert wrong.json() == {"error": "document not found"}
