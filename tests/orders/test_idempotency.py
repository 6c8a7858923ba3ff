"""Idempotency-Key on create and finalize: retries replay the first answer, never a second order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from museion.access import Access, Principal
from museion.catalogue.tickets.models import Ticket
from museion.db import Database, session_scope
from museion.errors import Conflict
from museion.orders import idempotency
from museion.orders.models import IdempotencyKey, Order
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
    with session_scope(database) as first, session_scope(database) as second:
        assert idempotency.try_lock_key(first, key.key_hash)  # the first request is running
        with pytest.raises(Conflict) as refused:
            idempotency.replay(second, key, datetime.now(UTC), timedelta(hours=24))
        assert refused.value.status_code == 409
        assert refused.value.headers == {"Retry-After": "1"}


# --- Keys expire -----------------------------------------------------------------------------

LATER_SLOT = "2027-01-05T10:30:00+01:00"  # still ahead when the clock has moved on a day or two


def keys_stored(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(IdempotencyKey)) or 0)


def test_a_key_replays_for_a_day_and_then_counts_as_new(
    client: TestClient, session: Session, ticket: Ticket, clock: Clock
) -> None:
    body = order_body(ticket_item(ticket.id, 1, LATER_SLOT))
    first = post(client, body, "daily").json()["order"]
    clock.advance(hours=23, minutes=59)
    assert post(client, body, "daily").json()["order"]["id"] == first["id"]
    clock.advance(minutes=1)
    fresh = post(client, body, "daily")
    assert fresh.status_code == 201, fresh.text
    assert fresh.json()["order"]["id"] != first["id"]
    assert post(client, body, "daily").json()["order"]["id"] == fresh.json()["order"]["id"]


def test_an_expired_key_may_name_another_request(
    client: TestClient, ticket: Ticket, clock: Clock
) -> None:
    assert post(client, order_body(ticket_item(ticket.id, 1, LATER_SLOT)), "k").status_code == 201
    clock.advance(hours=25)
    other = post(client, order_body(ticket_item(ticket.id, 2, LATER_SLOT)), "k")
    assert other.status_code == 201, other.text  # not "used for a different request"
    assert other.json()["order"]["items"][0]["attributes"]["quantity"] == 2


def test_the_lifetime_is_a_setting(
    app: FastAPI, client: TestClient, ticket: Ticket, clock: Clock
) -> None:
    app.state.settings = app.state.settings.model_copy(update={"idempotency_key_hours": 1})
    body = order_body(ticket_item(ticket.id, 1, LATER_SLOT))
    first = post(client, body, "hourly").json()["order"]
    clock.advance(minutes=59)
    assert post(client, body, "hourly").json()["order"]["id"] == first["id"]
    clock.advance(minutes=1)
    assert post(client, body, "hourly").json()["order"]["id"] != first["id"]


def test_requests_that_store_a_key_delete_expired_ones(
    client: TestClient, session: Session, ticket: Ticket, clock: Clock
) -> None:
    before = keys_stored(session)
    body = order_body(ticket_item(ticket.id, 1, LATER_SLOT))
    for n in range(3):
        post(client, body, f"old-{n}")
    assert keys_stored(session) == before + 3
    clock.advance(hours=12)
    post(client, body, "younger")
    clock.advance(hours=13)  # the three are 25 h old, "younger" 13 h
    post(client, body, "new")
    assert keys_stored(session) == before + 2
    finalize = client.post(  # a finalize with a key tidies up too
        f"{URL}/{client.get(URL, headers=RESELLER).json()['orders'][-1]['id']}/finalize",
        headers=RESELLER | {"Idempotency-Key": "fin"},
    )
    assert finalize.status_code == 200, finalize.text
    assert keys_stored(session) == before + 3
    clock.advance(hours=30)
    post(client, body, "newest")
    assert keys_stored(session) == before + 1


def test_tidying_takes_a_bounded_batch_oldest_first(session: Session, clock: Clock) -> None:
    cutoff = clock.now - timedelta(hours=24)
    for n in range(5):
        session.add(
            IdempotencyKey(
                key_hash=f"tidy-{n}",
                request_hash="r",
                status_code=201,
                response_body=b"{}",
                created_at=cutoff - timedelta(minutes=n),
            )
        )
    session.flush()
    assert idempotency.delete_keys_before(session, cutoff, limit=2) == 2
    left = session.scalars(
        select(IdempotencyKey.key_hash).where(IdempotencyKey.key_hash.like("tidy-%"))
    ).all()
    assert sorted(left) == ["tidy-0", "tidy-1", "tidy-2"]  # tidy-4 and tidy-3 were oldest


def test_concurrent_tidying_skips_rows_another_request_is_deleting(database: Database) -> None:
    if database.backend != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time: nobody tidies concurrently")
    stored_at = datetime(2020, 1, 1, tzinfo=UTC)
    hashes = [f"skip-locked-{n}" for n in range(4)]
    with session_scope(database) as setup:
        setup.add_all(
            IdempotencyKey(
                key_hash=h, request_hash="r", status_code=201, response_body=b"", created_at=at
            )
            for h, at in zip(hashes, [stored_at] * 4, strict=True)
        )
    try:
        cutoff = stored_at + timedelta(seconds=1)
        with session_scope(database) as first, session_scope(database) as second:
            assert idempotency.delete_keys_before(first, cutoff, limit=2) == 2
            # Without SKIP LOCKED this would wait for `first` (here: forever, lock_timeout 503).
            assert idempotency.delete_keys_before(second, cutoff, limit=10) == 2
    finally:
        with session_scope(database) as cleanup:
            cleanup.execute(delete(IdempotencyKey).where(IdempotencyKey.key_hash.in_(hashes)))
