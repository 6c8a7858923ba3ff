"""go~mus `payment_status` on order details: cash point orders are paid in place when finalized,
reseller orders are invoiced, every other order stays pending until someone takes payment."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from museion.catalogue.tickets.models import Ticket
from museion.orders.models import PaymentStatus
from tests.availability.factories import make_quota, make_ticket
from tests.conftest import bearer
from tests.orders.conftest import Clock
from tests.orders.factories import order_body, ticket_item

SLOT = "2027-01-01T10:30:00+01:00"
URL = "/api/v4/orders"
PENDING, INVOICED, PAID = 10, 20, 30


@pytest.fixture
def ticket(session: Session) -> Ticket:
    return make_ticket(session, quotas=[make_quota(session, 10)], price_cents=1000)


def create(client: TestClient, ticket: Ticket, secret: str) -> dict[str, Any]:
    body = order_body(ticket_item(ticket.id, 1, SLOT))
    response = client.post(URL, json=body, headers=bearer(secret))
    assert response.status_code == 201, response.text
    return dict(response.json()["order"])


def payment_status(client: TestClient, order: dict[str, Any], secret: str) -> int:
    response = client.get(f"{URL}/{order['id']}", headers=bearer(secret))
    assert response.status_code == 200, response.text
    return int(response.json()["order"]["payment_status"])


def test_the_codes_are_fixed_because_clients_store_them() -> None:
    assert [int(s) for s in PaymentStatus] == [PENDING, INVOICED, PAID]


@pytest.mark.parametrize(
    ("secret", "finalized"),
    [("demo-cashpoint", PAID), ("demo-reseller", INVOICED), ("demo-user", PENDING)],
)
def test_finalizing_sets_what_the_seller_owes(
    client: TestClient, ticket: Ticket, clock: Clock, secret: str, finalized: int
) -> None:
    order = create(client, ticket, secret)
    assert order["payment_status"] == PENDING  # a draft: nothing is paid before it is binding
    assert payment_status(client, order, secret) == PENDING
    response = client.post(f"{URL}/{order['token']}/finalize", headers=bearer(secret))
    assert response.status_code == 200, response.text
    assert response.json()["order"]["payment_status"] == finalized
    assert payment_status(client, order, secret) == finalized
    again = client.post(f"{URL}/{order['token']}/finalize", headers=bearer(secret))
    assert again.json()["order"]["payment_status"] == finalized


def test_a_cash_point_order_stays_paid_when_another_token_reads_it(
    client: TestClient, ticket: Ticket, clock: Clock
) -> None:
    order = create(client, ticket, "demo-cashpoint")
    client.post(f"{URL}/{order['id']}/finalize", headers=bearer("demo-cashpoint"))
    assert payment_status(client, order, "demo-user") == PAID
    code = client.get(f"{URL}/{order['id']}", headers=bearer("demo-user")).json()["order"]
    barcode = code["items"][0]["attributes"]["barcodes"][0]["barcode"]
    by_barcode = client.get(f"{URL}/barcode/{barcode}", headers=bearer("demo-cashpoint"))
    assert by_barcode.json()["order"]["payment_status"] == PAID


def test_an_order_that_expired_unfinalized_was_never_paid(
    client: TestClient, ticket: Ticket, clock: Clock
) -> None:
    order = create(client, ticket, "demo-cashpoint")
    clock.advance(minutes=31)
    refused = client.post(f"{URL}/{order['id']}/finalize", headers=bearer("demo-cashpoint"))
    assert refused.status_code == 422
    assert payment_status(client, order, "demo-cashpoint") == PENDING


def test_the_list_leaves_payment_status_to_the_details(
    client: TestClient, ticket: Ticket, clock: Clock
) -> None:
    create(client, ticket, "demo-cashpoint")
    listed = client.get(URL, headers=bearer("demo-cashpoint")).json()["orders"]
    assert listed
    assert "payment_status" not in listed[0]  # go~mus: the details add it (and billing_address_id)
