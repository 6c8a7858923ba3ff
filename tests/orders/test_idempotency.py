"""Idempotency-Key on create and finalize: retries replay the first answer, never a second order."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from museion.auth import Access, Principal
from museion.catalogue.tickets.models import Ticket
from museion.db import Database
from museion.errors import Conflict
from museion.orders import idempotency, queries
from museion.orders.models import Order
from tests.availability.factories import make_quota, make_ticket
from tests.conftest import bearer
from tests.orders.conftest import Clock
from tests.orders.factories import make_token, order_body, ticket_item

SLOT = "2027-01-01T10:30:00+01:00"
URL = "/api/v4/orders"
RESELLER = bearer("demo-reseller")


@pytest.fixture
def ticket(session: Session) -> Ticket:
    return make_ticket(session, quotas=[make_quota(session, 10)], price_cents=500)


def post(client: TestClient, body: dict[str, Any], key: str, headers: dict[str, str] = RESELLER):  # type: ignore[no-untyped-def]
    return client.post(URL, json=body, headers=headers | {"Idempotency-Key": key})


def orders_stored(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Order)) or 0)


def test_the_same_create_twice_makes_one_order(
    client: TestClient, session: Session, ticket: Ticket, clock: Clock
) -> None:
    before = orders_stored(session)
    body = order_body(ticket_item(ticket.id, 2, SLOT), total=1000)
    first = post(client, body, "order-1")
    assert first.status_code == 201, first.text
    clock.advance(minutes=1)
    second = post(client, body, "order-1")
    assert second.status_code == 201
    assert second.json() == first.json()
    assert orders_stored(session) == before + 1
    free = client.get(f"/api/v4/tickets/{ticket.id}/capacity?date=2027-01-01").json()["data"]
    assert free[SLOT] == 8


def test_a_key_reused_for_another_request_is_refused(
    client: TestClient, ticket: Ticket, clock: Clock
) -> None:
    assert post(client, order_body(ticket_item(ticket.id, 1, SLOT)), "k").status_code == 201
    response = post(client, order_body(ticket_item(ticket.id, 2, SLOT)), "k")
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["error"]


def test_keys_belong_to_their_token(
    client: TestClient, session: Session, ticket: Ticket, clock: Clock
) -> None:
    body = order_body(ticket_item(ticket.id, 1, SLOT))
    mine = post(client, body, "shared").json()["order"]
    other = post(client, body, "shared", headers=bearer(make_token(session))).json()["order"]
    assert mine["id"] != other["id"]


def test_a_refused_request_stores_nothing_and_can_be_retried(
    client: TestClient, session: Session, clock: Clock
) -> None:
    ticket = make_ticket(session, quotas=[make_quota(session, 1)])
    body = order_body(ticket_item(ticket.id, 1, SLOT))
    blocker = client.post(URL, json=body, headers=RESELLER).json()["order"]
    assert post(client, body, "retry-me").status_code == 422  # sold out
    client.post(f"{URL}/{blocker['id']}/cancellations", headers=RESELLER)
    assert post(client, body, "retry-me").status_code == 201


def test_finalize_with_a_key_replays_too(client: TestClient, ticket: Ticket, clock: Clock) -> None:
    created = client.post(URL, json=order_body(ticket_item(ticket.id, 2, SLOT)), headers=RESELLER)
    url = f"{URL}/{created.json()['order']['id']}/finalize"
    headers = RESELLER | {"Idempotency-Key": "fin-1"}
    first = client.post(url, headers=headers)
    assert first.status_code == 200, first.text
    assert client.post(url, headers=headers).json() == first.json()
    other = client.post(URL, json=order_body(ticket_item(ticket.id, 1, SLOT)), headers=headers)
    assert other.status_code == 422  # the key named a finalize, not this create


def test_a_duplicate_while_the_first_is_in_flight_gets_409(database: Database) -> None:
    if database.backend != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time: a duplicate waits instead")
    principal = Principal(Access.RESELLER, token_id=1)
    key = idempotency.Key.of(principal, "in-flight", "POST /orders", b"{}")
    with database.session() as first, database.session() as second:
        assert queries.try_lock_key(first, key.key_hash)  # the first request is running
        with pytest.raises(Conflict) as refused:
            idempotency.replay(second, key)
        assert refused.value.status_code == 409
        assert refused.value.headers == {"Retry-After": "1"}
